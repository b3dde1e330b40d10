#!/usr/bin/env python
"""XQueue, the whole path (issue 18): a result counts when the LMS has it.

For each system and grader count: the LMS submits N submissions through `/xqueue/submit/` (callbacks to a
loopback LMS stub), then N watcher-like graders log in and drain the queue; the clock stops when the stub has
received every result. Our service runs as in production (gunicorn 4 sync workers, persistent connections,
sessions `cached_db` on Redis, a Celery worker and beat really delivering results); the legacy openedx/xqueue
server, built from a git directory you give (`--legacy-git`, e.g. the search tool's mirror), runs with the
same gunicorn flags on MariaDB (it is written for MySQL), with and without persistent connections, in the
same run; our service runs on PostgreSQL and on MariaDB. All systems stay up; each round runs every system in
turn at each grader count, and medians over the rounds (ratios paired within a round) are reported.
Reports graded/s, server and worker CPU per graded submission, duplicate hand-outs, duplicate and lost
deliveries. Only talks to 127.0.0.1; stops by itself.

    .venv/bin/python -m bench.xqueue_whole_path --submissions 2000 --graders 1,4,16 --rounds 3 \
        --legacy-git /work/.mirror/openedx+xqueue/repo
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from functools import partial
from pathlib import Path

from bench import legacy_xqueue
from bench.common import start_gunicorn, stop, write_section
from bench.cpu import ServerCpu
from bench.databases import BenchDatabase
from bench.lms_stub import LmsStub
from bench.xqueue_drain import PASSWORD, QUEUE, drain, manage, watcher_session

ROOT = Path(__file__).resolve().parent.parent
SERVICE_DATABASE, LEGACY_DATABASE = "exams_bench_xqueue_path", "xqueue_legacy_bench"
REDIS_DBS = {"postgresql": 13, "mysql": 11}  # one per service under test: broker, cache and sessions apart


def submit_all(base: str, lms_base: str, keys: list[str], threads: int = 8) -> None:
    """The LMS's side: each submission through `/xqueue/submit/`, its callback pointing at the stub."""

    def submit_slice(offset: int) -> None:
        session = watcher_session(base, "bench-lms", client="lean")
        for key in keys[offset::threads]:
            header = json.dumps({"lms_callback_url": f"{lms_base}/cb/{key}", "lms_key": key, "queue_name": QUEUE})
            body = json.dumps({"grader_payload": '{"grader": "g.py"}', "student_info": "{}", "student_response": key})
            reply = session.post(f"{base}/xqueue/submit/", data={"xqueue_header": header, "xqueue_body": body})
            assert reply.json()["return_code"] == 0, reply.text

    with ThreadPoolExecutor(threads) as pool:
        list(pool.map(submit_slice, range(threads)))


class ServiceUnderTest:
    """Our service: gunicorn + Celery worker + beat, production-like settings."""

    def __init__(self, args, lms_base: str, engine: str, port: int):
        self.name = f"this service, {engine}"
        self.database = BenchDatabase(engine, SERVICE_DATABASE)
        self.database.recreate()
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "bench.settings",
            "DATABASE_URL": self.database.url("bench-service"),
            "DATABASE_CONN_MAX_AGE": "600",
            "REDIS_URL": f"redis://127.0.0.1:6379/{REDIS_DBS[engine]}",
            "SESSION_ENGINE": "django.contrib.sessions.backends.cached_db",
            # the loopback LMS is the configured LMS (callbacks are only sent to LMS hosts)
            "LMS_ROOT_URL": lms_base,
            "OUTGOING_URLS_ALLOW_PRIVATE_ADDRESSES": "true",
        }
        manage(self.env, "migrate", "--noinput")
        manage(self.env, "xqueue_create_account", "grader", "bench-grader", "--password", PASSWORD)
        manage(self.env, "xqueue_create_account", "lms", "bench-lms", "--password", PASSWORD)
        manage(self.env, "xqueue_ensure_queue", QUEUE, "--visibility-timeout", "3600", "--max-attempts", "5")
        self.port, self.redis_db = port, REDIS_DBS[engine]

    def __enter__(self):
        self.server = start_gunicorn(self.env, self.port)
        celery = [sys.executable, "-m", "celery", "-A", "exams_service"]
        worker_env = {**self.env, "DATABASE_URL": self.database.url("bench-worker")}
        self.worker = subprocess.Popen(
            [*celery, "worker", "--loglevel", "WARNING", "--concurrency", "2"],
            cwd=ROOT,
            env=worker_env,
            start_new_session=True,
        )
        self.beat = subprocess.Popen(
            [*celery, "beat", "--loglevel", "WARNING", "--schedule", tempfile.mktemp(prefix="bench-beat-")],
            cwd=ROOT,
            env=self.env,
            start_new_session=True,
        )
        time.sleep(3)  # the worker connects to the broker
        return self

    def __exit__(self, *exc):
        for process in (self.beat, self.worker):  # warm shutdown: the main process stops its own children
            process.terminate()
            process.wait(timeout=60)
        stop(self.server)
        subprocess.run(["redis-cli", "-n", str(self.redis_db), "FLUSHDB"], stdout=subprocess.DEVNULL)
        return False

    def reset(self) -> None:
        self.database.truncate("xqueue_submissionfile", "xqueue_submission")

    def analyze(self) -> None:
        self.database.analyze("xqueue_submission")

    def meters(self) -> list[ServerCpu]:
        # on MariaDB the server's and the worker's queries run in one process: all of it is counted as server
        worker_database = partial(self.database.server_pids, "bench-worker")
        return [
            ServerCpu(self.server.pid, partial(self.database.server_pids, "bench-service")),
            ServerCpu(self.worker.pid, worker_database if self.database.engine == "postgresql" else None),
        ]


class LegacyUnderTest:
    """openedx/xqueue: results are posted to the LMS inside put_result (no worker)."""

    def __init__(self, source: Path, conn_max_age: int, port: int):
        self.name = f"legacy, mysql, {'persistent connections' if conn_max_age else 'default settings'}"
        self.database = BenchDatabase("mysql", LEGACY_DATABASE)  # both legacy servers: phases never overlap
        self.source, self.conn_max_age, self.port = source, conn_max_age, port

    def __enter__(self):
        self.server = legacy_xqueue.start(self.source, self.port, conn_max_age=self.conn_max_age)
        return self

    def __exit__(self, *exc):
        stop(self.server)
        return False

    def reset(self) -> None:
        self.database.truncate("queue_submission")

    def analyze(self) -> None:
        self.database.analyze("queue_submission")

    def meters(self) -> list[ServerCpu]:
        return [ServerCpu(self.server.pid, partial(self.database.server_pids, "bench-legacy"))]


def run_phase(system, stub: LmsStub, graders: int, count: int, phase: str, timeout: float) -> dict:
    system.reset()
    keys = [f"{phase}-{n:08d}" for n in range(count)]
    base = f"http://127.0.0.1:{system.port}"
    submit_all(base, stub.base_url, keys)
    system.analyze()  # steady-state plans, for every system alike (bench/databases.py)
    meters = system.meters()
    for meter in meters:
        meter.__enter__()
    started = time.time()
    handed = drain(base, graders, "lean")
    graders_done = time.time()
    finished = stub.log.wait_for(set(keys), timeout)
    for meter in meters:
        meter.__exit__(None, None, None)
    elapsed = (finished or time.time()) - started
    tally = stub.log.tally(set(keys))
    graded = tally["delivered"]
    return {
        "system": system.name,
        "graders": graders,
        "graded_per_second": round(graded / elapsed, 1),
        "seconds": round(elapsed, 2),
        "grading_seconds": handed["seconds"],
        "delivery_lag_seconds": round((finished or time.time()) - graders_done, 2),
        "duplicate_handouts": handed["duplicate_handouts"],
        "grader_errors": handed["errors"],
        **tally,
        "server_cpu_ms": round(1000 * meters[0].seconds / max(graded, 1), 2),
        "server_app_cpu_ms": round(1000 * meters[0].server_seconds / max(graded, 1), 2),
        "server_db_cpu_ms": round(1000 * meters[0].database_seconds / max(graded, 1), 2),
        "worker_cpu_ms": round(1000 * meters[1].seconds / max(graded, 1), 2) if len(meters) > 1 else 0.0,
        "timed_out": finished is None,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--submissions", type=int, default=2000)
    parser.add_argument("--graders", default="1,4,16")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds; medians are reported")
    parser.add_argument("--port", type=int, default=18751, help="the first of one port per system")
    parser.add_argument("--legacy-git", type=Path, help="git directory of openedx/xqueue (omit to skip legacy)")
    parser.add_argument("--legacy-python", help="Python >= 3.12 for legacy xqueue")
    parser.add_argument("--legacy-workdir", type=Path, default=Path(tempfile.gettempdir()) / "bench-legacy-xqueue")
    parser.add_argument("--engines", default="postgresql,mysql", help="databases to run this service on")
    parser.add_argument("--timeout", type=float, default=600, help="seconds to wait for every delivery")
    args = parser.parse_args()
    counts = [int(n) for n in args.graders.split(",")]

    results = []
    with LmsStub() as stub, ExitStack() as running:
        engines = args.engines.split(",")
        systems = [ServiceUnderTest(args, stub.base_url, engine, args.port + i) for i, engine in enumerate(engines)]
        if args.legacy_git:
            BenchDatabase("mysql", LEGACY_DATABASE).recreate()
            source = legacy_xqueue.prepare(
                args.legacy_git,
                args.legacy_workdir,
                python=args.legacy_python,
                database=LEGACY_DATABASE,
                queue=QUEUE,
                password=PASSWORD,
            )
            port = args.port + len(systems)
            systems += [LegacyUnderTest(source, 600, port), LegacyUnderTest(source, 0, port + 1)]
        for system in systems:  # all up at once (idle ones cost nothing), so every round visits each in turn
            running.enter_context(system)
        for round_number in range(args.rounds):
            for graders in counts:
                for system in systems:
                    phase = f"{len(results)}-{graders}-{int(time.time())}"
                    result = run_phase(system, stub, graders, args.submissions, phase, args.timeout)
                    results.append(result | {"round": round_number})
                    print(json.dumps(results[-1]), flush=True)
    report(results, args)


def median_rows(results: list[dict]) -> list[dict]:
    """One row per system and grader count: medians over the rounds; duplicates and losses summed."""
    grouped: dict[tuple, list[dict]] = {}
    for result in results:
        grouped.setdefault((result["system"], result["graders"]), []).append(result)
    rows = []
    for (system, graders), runs in grouped.items():
        row = {"system": system, "graders": graders, "rounds": len(runs)}
        for key in MEDIAN_KEYS:
            row[key] = round(statistics.median(run[key] for run in runs), 2)
        for key in SUMMED_KEYS:
            row[key] = sum(run[key] for run in runs)
        rows.append(row)
    systems = list(dict.fromkeys(result["system"] for result in results))  # in the order they ran
    return sorted(rows, key=lambda row: (systems.index(row["system"]), row["graders"]))


def rates(results: list[dict], system: str, graders: int) -> dict[int, float]:
    """round → graded/s of one system at one grader count."""
    return {r["round"]: r["graded_per_second"] for r in results if r["system"] == system and r["graders"] == graders}


def paired_ratios(numerators: dict[int, float], denominators: dict[int, float]) -> list[float]:
    """One ratio per round in both (the two ran minutes apart, not hours: the machine's drift cancels)."""
    return [numerators[n] / denominators[n] for n in sorted(numerators) if denominators.get(n)]


def ratio_line(label: str, ratios: list[float]) -> str:
    shown = ", ".join(f"{value:.2f}" for value in ratios)
    return f"- {label}: {shown} → **{statistics.median(ratios):.2f}×**"


MEDIAN_KEYS = (
    "graded_per_second",
    "seconds",
    "delivery_lag_seconds",
    "server_cpu_ms",
    "server_app_cpu_ms",
    "server_db_cpu_ms",
    "worker_cpu_ms",
)
SUMMED_KEYS = ("duplicate_handouts", "duplicate_deliveries", "lost")
OURS, LEGACY_BEST = "this service, postgresql", "legacy, mysql, persistent connections"


def report(results: list[dict], args) -> None:
    lines = [
        f"`.venv/bin/python -m bench.xqueue_whole_path --submissions {args.submissions} --graders {args.graders} "
        f"--rounds {args.rounds}"
        + (" --legacy-git <openedx/xqueue git dir>`" if args.legacy_git else "`")
        + " — per phase the LMS submits through `/xqueue/submit/`, graders speaking the watcher's protocol "
        "drain the queue, and the clock stops when the loopback LMS has every result. Every system is up for the "
        "whole run and each round visits them in turn at each grader count (medians of the rounds below; "
        "duplicates and losses are summed over all rounds). This service: gunicorn "
        "4 sync workers, persistent connections, sessions `cached_db` on Redis, a Celery worker (concurrency 2) "
        "and beat delivering, on PostgreSQL and on MariaDB. Legacy openedx/xqueue: same gunicorn flags, on MariaDB "
        "with its own driver (it filters booleans with `= 0`, which PostgreSQL refuses), results posted inside "
        "`put_result`. CPU per graded submission: server = gunicorn workers + their PostgreSQL backends (on MariaDB: "
        "the whole mariadbd, the worker's queries included); worker = the Celery worker's processes (+ their "
        "PostgreSQL backends). Delivery lag = from the last grader finishing to the LMS having every result.",
        "",
        "| system | graders | graded/s | seconds | delivery lag s | dup. hand-outs | dup. deliveries | lost "
        "| server CPU ms (app + db) | worker CPU ms |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in median_rows(results):
        lines.append(
            f"| {r['system']} | {r['graders']} | {r['graded_per_second']} | {r['seconds']} | "
            f"{r['delivery_lag_seconds']} | {r['duplicate_handouts']} | {r['duplicate_deliveries']} | {r['lost']} | "
            f"{r['server_cpu_ms']} ({r['server_app_cpu_ms']} + {r['server_db_cpu_ms']}) | {r['worker_cpu_ms']} |"
        )
    comparisons = [
        (f"{graders} graders", paired_ratios(rates(results, OURS, graders), rates(results, LEGACY_BEST, graders)))
        for graders in sorted({r["graders"] for r in results})
    ]
    comparisons.append(("growth from 1 to 4 graders", paired_ratios(rates(results, OURS, 4), rates(results, OURS, 1))))
    comparisons = [(label, ratios) for label, ratios in comparisons if ratios]
    if comparisons:
        lines += ["", f"{OURS} against {LEGACY_BEST} (and its own growth), per round, median in bold:", ""]
        lines += [ratio_line(label, ratios) for label, ratios in comparisons]
    write_section("XQueue, the whole path (issue 18)", "\n".join(lines))


if __name__ == "__main__":
    main()
