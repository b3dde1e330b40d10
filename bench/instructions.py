"""Instructions per request, counted by callgrind: a repeatable measure of a cut, where timings are not.

On this 2-core VM the same code's CPU per request varies by up to 2x from one fresh process to another, so a cut
of a few percent cannot be seen in timings. Callgrind counts the instructions the Python process executes, which
do not depend on what else the machine is doing. Each scenario of `bench.learner_poll` is replayed in-process
through the WSGI handler (as `bench.profile_endpoint` does) in its own process under
`valgrind --tool=callgrind --instr-atstart=no`; the process warms up uninstrumented, then turns counting on
(`callgrind_control -i on`) for the measured requests only. A run with no measured request gives what the
switching itself costs, which is subtracted.

It counts the web process only, not its PostgreSQL backend, and instructions are not time (cache misses and
system calls cost more): use it to compare two versions of our code, and the ceiling's count as a yardstick,
not as a ratio for the issue's targets (those are `bench.learner_poll`'s).

Usage: `.venv/bin/python -m bench.instructions latest "student exam" "ceiling read" [--requests 300]`
"""

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.common import recreate_postgres_database

DATABASE = "exams_bench_instructions"
# The per-process caches expire on the wall clock, which runs ~30x slower per request under valgrind: kept for an
# hour, every counted request is a steady-state one (unless the environment sets them, e.g. to 0 to count a reload).
STEADY_STATE = {name: os.environ.get(name, "3600") for name in ("EXAM_CACHE_SECONDS", "JWT_VERIFIED_CACHE_SECONDS")}
WARM_REQUESTS = 200


def counted(command: list[str], env: dict, workdir: Path, label: str) -> int:
    """Run `command` under callgrind (counting only while it asks to) and return the instructions counted."""
    out = workdir / f"{label}.callgrind"
    subprocess.run(
        ["valgrind", "--tool=callgrind", "--instr-atstart=no", f"--callgrind-out-file={out}", *command],
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    totals = re.search(r"^totals: (\d+)", out.read_text(), re.MULTILINE)
    return int(totals.group(1))


def instructions_per_request(scenario: str, lines_file: Path, env: dict, requests: int, workdir: Path) -> float:
    def run(count: int) -> int:
        command = [sys.executable, "-m", "bench.instructions", "--replay", str(lines_file), "--requests", str(count)]
        return counted(command, env, workdir, f"{scenario.replace(' ', '_').replace('/', '_')}-{count}")

    switching = run(0)
    return (run(requests) - switching) / requests


def replay_counted(lines_file: Path, requests: int) -> None:
    """In the process under callgrind: warm up, then count `requests` requests."""
    import django

    django.setup()
    from django.core.handlers.wsgi import WSGIHandler

    from bench.profile_endpoint import replay

    lines = lines_file.read_text().splitlines()
    handler = WSGIHandler()
    replay(handler, lines, WARM_REQUESTS)
    switch = ["callgrind_control", "-i"]
    subprocess.run([*switch, "on", str(os.getpid())], check=True, stdout=subprocess.DEVNULL)
    replay(handler, lines, requests)
    subprocess.run([*switch, "off", str(os.getpid())], check=True, stdout=subprocess.DEVNULL)


def environments(database_url: str, service_env: dict) -> dict[str, dict]:
    from bench.learner_poll import CEILING_APP, PREPARED_CEILING_APP

    ceiling = dict(
        service_env,
        DJANGO_SETTINGS_MODULE="bench.ceiling.settings",
        DATABASE_URL=f"{database_url}?application_name={CEILING_APP}",
    )
    prepared = dict(
        ceiling, CEILING_PREPARED_STATEMENTS="1", DATABASE_URL=f"{database_url}?application_name={PREPARED_CEILING_APP}"
    )
    return {"service": service_env, "ceiling": ceiling, "prepared ceiling": prepared}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("scenarios", nargs="*", help="scenario names of bench.learner_poll")
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument(
        "--service-settings", help="settings module for the service's process (an experiment), default bench.settings"
    )
    parser.add_argument("--replay", type=Path, help=argparse.SUPPRESS)  # the process under callgrind
    args = parser.parse_args()
    if args.replay:
        replay_counted(args.replay, args.requests)
        return
    if shutil.which("valgrind") is None:
        subprocess.run(["apt-get", "install", "-y", "-qq", "valgrind"], check=True, stdout=subprocess.DEVNULL)
    from bench.learner_poll import COURSE_ID, SCENARIOS, configure_django, request_lines, seed_cohort

    unknown = set(args.scenarios) - set(SCENARIOS)
    if unknown or not args.scenarios:
        parser.error(f"choose scenarios among {sorted(SCENARIOS)} (unknown: {sorted(unknown)})")
    database_url = recreate_postgres_database(DATABASE)
    service_env = configure_django(database_url)
    rows = seed_cohort("learner", COURSE_ID, 50, 5, 10_000)
    scenarios = request_lines(rows, rows)
    if args.service_settings:
        service_env = dict(service_env, DJANGO_SETTINGS_MODULE=args.service_settings)
    envs = environments(database_url, service_env)
    from django.db import connections

    connections.close_all()
    workdir = Path(tempfile.mkdtemp(prefix="bench-instructions-"))
    results = {}
    for name in args.scenarios:
        lines_file = workdir / f"{len(results)}.lines"
        lines_file.write_text("\n".join(scenarios[name]) + "\n")
        env = dict(STEADY_STATE, **envs[SCENARIOS[name][0]], PYTHONHASHSEED="0")
        results[name] = instructions_per_request(name, lines_file, env, args.requests, workdir)
        print(f"{name}: {results[name] / 1e6:.3f} M instructions per request", flush=True)
    print(json.dumps({name: round(count) for name, count in results.items()}))


if __name__ == "__main__":
    main()
