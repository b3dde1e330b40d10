"""Learner polling benchmark (issue 3): the MFE's poll endpoints and stop/start against a ceiling.

Stack: gunicorn (4 sync workers) + PostgreSQL with persistent connections, load from wrk on loopback.
Usage: `.venv/bin/python -m bench.learner_poll [--learners 300] [--seconds 10]`; writes docs/benchmarks.md.
"""

import argparse
import json
import tempfile
from pathlib import Path
from urllib.parse import quote

from bench.common import recreate_postgres_database, run_wrk, setup_django, start_gunicorn, stop, write_section

PORT = 8765
COURSE_ID = "course-v1:Bench+Poll+2026"


def configure_django(database_url: str) -> dict:
    return setup_django(
        database_url,
        DATABASE_CONN_MAX_AGE="600",
        # as in production: status changes fan out to proctor dashboards through the Redis channel layer
        CHANNEL_LAYER_URL="redis://127.0.0.1:6379/14",
    )


def seed(learners: int, exams: int) -> list[dict]:
    from exams.models import Exam, User
    from exams.services.attempts import create_attempt
    from exams.services.dev_tokens import dev_jwt_for

    exam_rows = [
        Exam.objects.create(
            course_id=COURSE_ID,
            content_id=f"block-v1:Bench+Poll+2026+type@sequential+block@e{i}",
            exam_name=f"Exam {i}",
            exam_type="timed",
            time_limit_mins=600,
            is_active=True,
        )
        for i in range(exams)
    ]
    rows = []
    for i in range(learners):
        user = User.objects.create(username=f"learner{i}", email=f"l{i}@example.com", lms_user_id=10000 + i)
        exam = exam_rows[i % exams]
        attempt = create_attempt(user=user, exam_id=exam.pk, start_clock=True)
        rows.append({"token": dev_jwt_for(user, hours=4), "attempt": attempt.pk, "content_id": exam.content_id})
    return rows


def request_lines(rows: list[dict]) -> dict[str, list[str]]:
    def line(method, path, token, body=""):
        return f"{method}\t{path}\t{token}\t{body}"

    scenarios = {"ceiling read": [], "ceiling update": [], "latest": [], "student exam": [], "stop/start": []}
    for row in rows:
        token, content = row["token"], row["content_id"]
        scenarios["ceiling read"].append(line("GET", "/bench/ceiling/read", token))
        scenarios["ceiling update"].append(line("PUT", "/bench/ceiling/update", token))
        scenarios["latest"].append(line("GET", f"/api/v1/exams/attempt/latest?content_id={quote(content)}", token))
        scenarios["student exam"].append(
            line("GET", f"/api/v1/student/exam/attempt/course_id/{COURSE_ID}/content_id/{content}", token)
        )
        for action in ("stop", "start"):
            body = json.dumps({"action": action})
            scenarios["stop/start"].append(line("PUT", f"/api/v1/exams/attempt/{row['attempt']}", token, body))
    return scenarios


def queries_per_request(lines: list[str]) -> float:
    """Replay a few requests in-process and count SQL queries (users already exist, as in the run).

    Each line runs once, in the order wrk sends them (stop then start of each attempt): replaying a status
    update twice would count the cheap no-op repeat instead of the transition.
    """
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client, counts = Client(), []
    for raw in lines[:6]:
        method, path, token, body = raw.split("\t")
        kwargs = {"HTTP_AUTHORIZATION": f"JWT {token}"}
        client.get("/bench/ceiling/read", **kwargs)  # warm: first sight of a token creates/syncs the user
        if method == "GET":
            client.get(path, **kwargs)  # warm the per-process exam cache, as in the steady state of the run
        if body:
            kwargs.update(data=body, content_type="application/json")
        with CaptureQueriesContext(connection) as ctx:
            response = getattr(client, method.lower())(path, **kwargs)
        assert response.status_code == 200, (path, response.status_code, response.content[:200])
        counts.append(len(ctx.captured_queries))  # BEGIN and COMMIT included: each is a round trip
    return sum(counts) / len(counts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--learners", type=int, default=300)
    parser.add_argument("--exams", type=int, default=5)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--concurrency", type=int, nargs="+", default=[16, 64])
    args = parser.parse_args()

    env = configure_django(recreate_postgres_database("exams_bench"))
    scenarios = request_lines(seed(args.learners, args.exams))
    files, queries = {}, {}
    workdir = Path(tempfile.mkdtemp(prefix="bench-poll-"))
    for name, lines in scenarios.items():
        files[name] = workdir / f"{name.replace(' ', '_').replace('/', '_')}.txt"
        files[name].write_text("\n".join(lines) + "\n")
        queries[name] = queries_per_request(lines)
    from django.db import connections

    connections.close_all()

    server = start_gunicorn(env, PORT)
    results = {}
    try:
        for name in scenarios:
            run_wrk(PORT, files[name], 16, 2)  # warm the workers' connections
            for concurrency in args.concurrency:
                results[(name, concurrency)] = run_wrk(PORT, files[name], concurrency, args.seconds)
                print(name, concurrency, results[(name, concurrency)], flush=True)
    finally:
        stop(server)
    report(results, queries, args)


def report(results: dict, queries: dict, args) -> None:
    ceiling_for = {"latest": "ceiling read", "student exam": "ceiling read", "stop/start": "ceiling update"}
    targets = {"latest": 0.75, "student exam": 0.75, "stop/start": 0.50}
    lines = [
        f"`.venv/bin/python -m bench.learner_poll --learners {args.learners} --seconds {args.seconds}` — "
        f"gunicorn 4 sync workers + PostgreSQL (persistent connections), wrk 2 threads on loopback, "
        f"{args.learners} distinct learners, each with a started timed attempt. Same 2-core machine for all.",
        "",
        "| scenario | concurrency | req/s | p50 ms | p99 ms | non-2xx | SQL queries/request | vs ceiling | target |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for (name, concurrency), result in results.items():
        ceiling = ceiling_for.get(name)
        ratio = f"{result['rps'] / results[(ceiling, concurrency)]['rps']:.0%}" if ceiling else "—"
        target = f"≥ {targets[name]:.0%}" if name in targets else "—"
        lines.append(
            f"| {name} | {concurrency} | {result['rps']:.0f} | {result['p50_ms']:.1f} | {result['p99_ms']:.1f} | "
            f"{result['errors']} | {queries[name]:.1f} | {ratio} | {target} |"
        )
    lines += [
        "",
        "SQL queries/request counts every round trip, `BEGIN` and `COMMIT` included, and the JWT user lookup. "
        "latest: user + attempt. student exam: user + attempt joined with its allowance. stop/start: user, "
        "`BEGIN`, the attempt row locked (ownership decided on it), the attempt `UPDATE` and its history row in "
        "one statement, the monitoring status event (session lookup and per-exam counter in one statement), "
        "`COMMIT`; the dashboards' fan-out is handed to the process's publisher thread (Redis channel layer). "
        "The exam comes from the per-process cache (`EXAM_CACHE_SECONDS`). For scale, the reference "
        "implementation measured this way reaches 38% (latest), 25% (student exam) and 22% (stop/start) of "
        "such a ceiling at 4, 7 and 12–13 queries.",
    ]
    write_section("Learner poll (issue 3)", "\n".join(lines))


if __name__ == "__main__":
    main()
