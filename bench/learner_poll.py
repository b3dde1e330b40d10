"""Learner hot paths against a true ceiling outside our stack (issues 3 and 17).

Two gunicorn servers (4 sync workers each, same flags) on one PostgreSQL database with persistent connections:
the service (bench settings: production's middleware, authentication and database options) and the ceiling
project in `bench/ceiling/` (no middleware, DRF JSON only, HS256 JWT, one user query + one attempt query).
wrk replays each learner's own requests on loopback. Each round runs every scenario right next to what it is
compared with, in the opposite order every other round (the machine drifts over minutes), on servers started
afresh for the round; the ratios reported are medians of those side-by-side ratios, with server CPU per request
(workers + their PostgreSQL backends).

Usage: `.venv/bin/python -m bench.learner_poll [--learners 500] [--seconds 10] [--rounds 3]`; writes
docs/benchmarks.md.
"""

import argparse
import json
import statistics
import tempfile
from functools import partial
from pathlib import Path
from urllib.parse import quote

from bench.common import recreate_postgres_database, run_wrk, setup_django, start_gunicorn, stop, write_section
from bench.cpu import ServerCpu
from bench.databases import BenchDatabase

SERVICE_PORT, CEILING_PORT, PREPARED_CEILING_PORT = 8765, 8766, 8767
DATABASE = "exams_bench"
COURSE_ID = "course-v1:Bench+Poll+2026"
ONE_EXAM_COURSE_ID = "course-v1:Bench+OneExam+2026"
SERVICE_APP, CEILING_APP, PREPARED_CEILING_APP = "bench-service", "bench-ceiling", "bench-ceiling-prepared"
CEILING_WSGI = "bench.ceiling.wsgi"
# scenario → (server, the scenario it is compared with)
SCENARIOS = {
    "ceiling read": ("ceiling", None),
    "ceiling update": ("ceiling", None),
    "ceiling read, prepared": ("prepared ceiling", None),
    "ceiling update, prepared": ("prepared ceiling", None),
    "in-stack read": ("service", "ceiling read"),
    "in-stack update": ("service", "ceiling update"),
    "latest": ("service", "ceiling read"),
    "student exam": ("service", "ceiling read"),
    "stop/start": ("service", "ceiling update"),
    "stop/start, one exam": ("service", "stop/start"),
}
# The ceiling with its statements prepared, as ours are: the second ratio of each scenario compared with a ceiling.
PREPARED_TWIN = {"ceiling read": "ceiling read, prepared", "ceiling update": "ceiling update, prepared"}
TARGETS = {"latest": 0.85, "student exam": 0.85, "stop/start": 0.6, "stop/start, one exam": 0.9}
CPU_TARGETS = {"latest": 1.3, "student exam": 1.3}


def file_stem(scenario: str) -> str:
    """A scenario's name as a file name ("stop/start, one exam" -> "stop_start_one_exam")."""
    return scenario.replace(" ", "_").replace("/", "_").replace(",", "")


def configure_django(database_url: str) -> dict:
    return setup_django(
        f"{database_url}?application_name={SERVICE_APP}",
        DATABASE_CONN_MAX_AGE="600",
        # as in production: status changes fan out to proctor dashboards through the Redis channel layer
        CHANNEL_LAYER_URL="redis://127.0.0.1:6379/14",
    )


def seed_cohort(prefix: str, course_id: str, learners: int, exams: int, first_lms_user_id: int) -> list[dict]:
    from exams.models import Exam, User
    from exams.services.attempts import create_attempt
    from exams.services.dev_tokens import dev_jwt_for

    exam_rows = [
        Exam.objects.create(
            course_id=course_id,
            content_id=f"block-v1:{course_id.split(':', 1)[1]}+type@sequential+block@e{i}",
            exam_name=f"Exam {i}",
            exam_type="timed",
            time_limit_mins=600,
            is_active=True,
        )
        for i in range(exams)
    ]
    rows = []
    for i in range(learners):
        user = User.objects.create(
            username=f"{prefix}{i}", email=f"{prefix}{i}@example.com", lms_user_id=first_lms_user_id + i
        )
        exam = exam_rows[i % exams]
        attempt = create_attempt(user=user, exam_id=exam.pk, start_clock=True)
        rows.append(
            {
                "token": dev_jwt_for(user, hours=4),
                "attempt": attempt.pk,
                "course_id": course_id,
                "content_id": exam.content_id,
            }
        )
    return rows


def line(method: str, path: str, token: str, body: str = "") -> str:
    return f"{method}\t{path}\t{token}\t{body}"


def stop_start_lines(rows: list[dict], path_for) -> list[str]:
    return [
        line("PUT", path_for(row["attempt"]), row["token"], json.dumps({"action": action}))
        for row in rows
        for action in ("stop", "start")
    ]


def request_lines(rows: list[dict], one_exam_rows: list[dict]) -> dict[str, list[str]]:
    scenarios = {
        "ceiling read": [line("GET", "/poll", row["token"]) for row in rows],
        "ceiling update": stop_start_lines(rows, lambda attempt: f"/attempt/{attempt}"),
        "in-stack read": [line("GET", "/bench/ceiling/read", row["token"]) for row in rows],
        "in-stack update": [line("PUT", "/bench/ceiling/update", row["token"]) for row in rows],
        "latest": [
            line("GET", f"/api/v1/exams/attempt/latest?content_id={quote(row['content_id'])}", row["token"])
            for row in rows
        ],
        "student exam": [
            line(
                "GET",
                f"/api/v1/student/exam/attempt/course_id/{row['course_id']}/content_id/{row['content_id']}",
                row["token"],
            )
            for row in rows
        ],
        "stop/start": stop_start_lines(rows, lambda attempt: f"/api/v1/exams/attempt/{attempt}"),
        "stop/start, one exam": stop_start_lines(one_exam_rows, lambda attempt: f"/api/v1/exams/attempt/{attempt}"),
    }
    scenarios |= {twin: scenarios[name] for name, twin in PREPARED_TWIN.items()}  # same requests, other server
    assert set(scenarios) == set(SCENARIOS)
    return scenarios


def queries_per_request(lines: list[str]) -> float:
    """Replay a few requests in-process and count every round trip (BEGIN/COMMIT and health checks included)."""
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
        counts.append(len(ctx.captured_queries))
    return sum(counts) / len(counts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--learners", type=int, default=500)
    parser.add_argument("--exams", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--concurrency", type=int, nargs="+", default=[16, 64])
    parser.add_argument(
        "--only", nargs="+", choices=SCENARIOS, help="run these scenarios (and what they compare with), print only"
    )
    args = parser.parse_args()
    selected = set(args.only or SCENARIOS)
    while missing := {SCENARIOS[name][1] for name in selected if SCENARIOS[name][1]} - selected:
        selected |= missing  # what they are compared with, and what that is compared with
    selected |= {PREPARED_TWIN[name] for name in selected if name in PREPARED_TWIN}

    database = BenchDatabase("postgresql", DATABASE)
    database_url = recreate_postgres_database(DATABASE)
    env = configure_django(database_url)
    rows = seed_cohort("learner", COURSE_ID, args.learners, args.exams, 10_000)
    one_exam_rows = seed_cohort("one-exam-learner", ONE_EXAM_COURSE_ID, args.learners, 1, 20_000_000)
    scenarios = request_lines(rows, one_exam_rows)
    workdir = Path(tempfile.mkdtemp(prefix="bench-poll-"))
    files, queries = {}, {}
    for name, lines in scenarios.items():
        files[name] = workdir / f"{file_stem(name)}.txt"
        files[name].write_text("\n".join(lines) + "\n")
        if SCENARIOS[name][0] == "service":
            queries[name] = queries_per_request(lines)
    from django.db import connections

    connections.close_all()

    ceiling_env = dict(
        env,
        DJANGO_SETTINGS_MODULE="bench.ceiling.settings",
        DATABASE_URL=f"{database_url}?application_name={CEILING_APP}",
    )
    prepared_env = dict(
        ceiling_env,
        CEILING_PREPARED_STATEMENTS="1",
        DATABASE_URL=f"{database_url}?application_name={PREPARED_CEILING_APP}",
    )
    launches = {
        "service": (partial(start_gunicorn, env, SERVICE_PORT), SERVICE_PORT, SERVICE_APP),
        "ceiling": (partial(start_gunicorn, ceiling_env, CEILING_PORT, app=CEILING_WSGI), CEILING_PORT, CEILING_APP),
        "prepared ceiling": (
            partial(start_gunicorn, prepared_env, PREPARED_CEILING_PORT, app=CEILING_WSGI),
            PREPARED_CEILING_PORT,
            PREPARED_CEILING_APP,
        ),
    }
    chosen = [name for name in SCENARIOS if name in selected]
    groups = comparison_groups(chosen)
    servers, runs, pairs = {}, {}, {}

    def measure(name: str, concurrency: int) -> dict:
        server, port, application_name = servers[SCENARIOS[name][0]]
        database.quiesce()
        with ServerCpu(server.pid, partial(database.server_pids, application_name)) as cpu:
            result = run_wrk(port, files[name], concurrency, args.seconds)
        served = max(result["requests"], 1)
        result["cpu_ms"] = 1000 * cpu.seconds / served
        result["app_cpu_ms"] = 1000 * cpu.server_seconds / served
        result["db_cpu_ms"] = 1000 * cpu.database_seconds / served
        runs.setdefault((name, concurrency), []).append(result)
        return result

    for round_number in range(args.rounds):
        # Fresh servers every round: a server's speed also depends on where its processes and memory landed
        # (one run's ceiling stayed 20 % faster than another's for all its rounds), so no round inherits them.
        try:
            for name, (launch, port, application_name) in launches.items():
                servers[name] = (launch(), port, application_name)
            for name in chosen:
                run_wrk(servers[SCENARIOS[name][0]][1], files[name], 16, 2)  # warm the workers' connections
            for concurrency in args.concurrency:
                for group in groups:
                    # each scenario runs right next to what it is compared with, in the opposite order every other
                    # round, so the machine's drift over minutes falls on both sides of a pair alike
                    order = group if round_number % 2 == 0 else group[::-1]
                    results = {name: measure(name, concurrency) for name in order}
                    pairs.setdefault((group[-1], concurrency), []).append(results)
                    for name in order:
                        print(round_number, name, concurrency, results[name], flush=True)
        finally:
            for server, _, _ in servers.values():
                stop(server)
            servers.clear()
    report(runs, pairs, queries, args, write=args.only is None)


def comparison_groups(chosen: list[str]) -> list[list[str]]:
    """The runs that go side by side: [what it is compared with, (its prepared twin,) the scenario]; a scenario
    compared with nothing and not in any group runs alone."""
    groups = []
    for name in chosen:
        compared = SCENARIOS[name][1]
        if compared:
            twin = PREPARED_TWIN.get(compared) if name in TARGETS else None
            groups.append([compared, twin, name] if twin else [compared, name])
    grouped = {member for group in groups for member in group}
    return [[name] for name in chosen if name not in grouped] + groups


def paired_median(pairs: list[dict], name: str, compared: str, key: str) -> float:
    return statistics.median(pair[name][key] / pair[compared][key] for pair in pairs)


def median_of(results: list[dict]) -> dict:
    keys = ("rps", "p99_ms", "cpu_ms", "app_cpu_ms", "db_cpu_ms")
    return {key: statistics.median(result[key] for result in results) for key in keys} | {
        "errors": sum(result["errors"] for result in results)
    }


def report(runs: dict, pairs: dict, queries: dict, args, *, write: bool = True) -> None:
    medians = {key: median_of(results) for key, results in runs.items()}
    lines = [
        f"`.venv/bin/python -m bench.learner_poll --learners {args.learners} --exams {args.exams} "
        f"--seconds {args.seconds} --rounds {args.rounds}` — two gunicorn servers (4 sync workers each, same "
        "flags) on one PostgreSQL database with persistent connections: the service (`bench.settings`) and the "
        "independent ceiling project `bench/ceiling/` (no middleware, DRF JSON renderer/parser only, HS256 JWT "
        "checked with PyJWT, user by username in one indexed query, then one indexed read or one `UPDATE`). "
        f"wrk 2 threads on loopback, {args.learners} learners with a started timed attempt each, spread over "
        f'{args.exams} exams ("one exam": another {args.learners} learners all in a single exam). {args.rounds} '
        "rounds, each on freshly started servers; in each, every scenario runs right next to what it is compared "
        "with (and, for the targets, the prepared ceiling), in the opposite order every other round. Ratios are "
        "medians of those side-by-side ratios; req/s, p99 and CPU columns are medians of every run of the row. "
        "The database is vacuumed and analyzed before each run (autovacuum woke up after the write scenarios and "
        "took CPU from whichever server ran next); CPU = gunicorn workers + their PostgreSQL backends, per request.",
        "",
        "| scenario | c | req/s | p99 ms | CPU ms/req (app + db) | non-2xx | queries/req | vs | ratio | per round "
        "| target | CPU ratio | vs prepared ceiling: ratio, CPU ratio |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for (name, concurrency), result in sorted(
        medians.items(), key=lambda item: (list(SCENARIOS).index(item[0][0]), item[0][1])
    ):
        compared = SCENARIOS[name][1]
        ratio = cpu_ratio = twin_ratios = per_round = "—"
        if compared:
            paired = pairs[(name, concurrency)]
            ratio = f"{paired_median(paired, name, compared, 'rps'):.2f}"
            per_round = ", ".join(f"{pair[name]['rps'] / pair[compared]['rps']:.2f}" for pair in paired)
            cpu_ratio = f"{paired_median(paired, name, compared, 'cpu_ms'):.2f}"
            twin = PREPARED_TWIN.get(compared)
            if twin in paired[0]:
                twin_ratios = (
                    f"{paired_median(paired, name, twin, 'rps'):.2f}, {paired_median(paired, name, twin, 'cpu_ms'):.2f}"
                )
        target = f"≥ {TARGETS[name]}" if name in TARGETS else "—"
        if name in CPU_TARGETS:
            cpu_ratio += f" (≤ {CPU_TARGETS[name]})"
        lines.append(
            f"| {name} | {concurrency} | {result['rps']:.0f} | {result['p99_ms']:.1f} | {result['cpu_ms']:.2f} "
            f"({result['app_cpu_ms']:.2f} + {result['db_cpu_ms']:.2f}) | "
            f"{result['errors']} | {f'{queries[name]:.1f}' if name in queries else '2 (by construction)'} | "
            f"{compared or '—'} | {ratio} | {per_round} | {target} | {cpu_ratio} | {twin_ratios} |"
        )
    lines += [
        "",
        "queries/req counts every round trip of the service, `BEGIN`/`COMMIT` included, and the JWT user lookup "
        '(the ceiling makes 2: user, then attempt). "in-stack" rows are the old ceiling: trivial views mounted '
        "inside our own service (same middleware and authentication) — they show what the stack itself costs. "
        '"stop/start, one exam" is compared with stop/start over many exams: a per-exam lock would show here. '
        "The service prepares its hot statements on PostgreSQL (`exams_service/prepared_sql.py`); the ceiling, as "
        "the issue defines it, uses Django's default client-side binding. The last column compares with the same "
        "ceiling project with every statement prepared (`CEILING_PREPARED_STATEMENTS=1`), so the ratio owed to "
        'preparing is visible. "per round" lists each round\'s side-by-side ratio (the two runs seconds apart): '
        "their spread is the machine's noise.",
    ]
    if not write:
        print("\n".join(lines))
        return
    write_section("Learner poll against a true ceiling (issues 3 and 17)", "\n".join(lines))


if __name__ == "__main__":
    main()
