"""Instructions per request, counted by callgrind: a repeatable measure of a cut, where timings are not.

On this 2-core VM the same code's CPU per request varies by up to 2x from one fresh process to another, so a cut
of a few percent cannot be seen in timings. Callgrind counts the instructions the Python process executes, which
do not depend on what else the machine is doing. Each scenario of `bench.learner_poll` is replayed in-process
through the WSGI handler (as `bench.profile_endpoint` does) in its own process under
`valgrind --tool=callgrind --instr-atstart=no`; the process warms up uninstrumented, then turns counting on
(`callgrind_control -i on`) for the measured requests only. A run with no measured request gives what the
switching itself costs, which is subtracted. The per-process caches are kept warm (their TTLs run on the wall
clock, which valgrind slows ~30x); `--write` also counts what their reloads cost. The same code gives the same
count to within 0.01 % on an idle machine; paths that depend on the wall clock (the connection health check's
interval, stop/start's numbering thread) move it by up to ~1 % when other processes load the machine.

It counts the web process only, not its PostgreSQL backend, and instructions are not time (cache misses and
system calls cost more): use it to compare two versions of our code, and the ceiling's count as a yardstick,
not as a ratio for the issue's targets (those are `bench.learner_poll`'s).

Usage: `.venv/bin/python -m bench.instructions [scenario ...] [--requests 300] [--write]` (default: the scenarios
with targets, and what each is compared with; `--write` replaces its table in docs/benchmarks.md).
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


def instructions_per_request(lines_file: Path, env: dict, requests: int, workdir: Path) -> float:
    def run(count: int) -> int:
        command = [sys.executable, "-m", "bench.instructions", "--replay", str(lines_file), "--requests", str(count)]
        return counted(command, env, workdir, f"{lines_file.stem}-{count}")

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


# What a full run counts: the scenarios with targets and what they are compared with.
DEFAULT_SCENARIOS = ["latest", "student exam", "stop/start", "stop/start, one exam"]
# Per-process caches a steady-state count leaves out, each reloaded once per TTL per worker: counted as the extra
# instructions of a `latest` request that finds its cache entry expired (TTL 0).
RELOADS = {
    "exam cache reload (per exam)": "EXAM_CACHE_SECONDS",
    "JWT verification (per token)": "JWT_VERIFIED_CACHE_SECONDS",
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("scenarios", nargs="*", help="scenario names of bench.learner_poll (default: the targets')")
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument(
        "--service-settings", help="settings module for the service's process (an experiment), default bench.settings"
    )
    parser.add_argument("--write", action="store_true", help="write the table to docs/benchmarks.md")
    parser.add_argument("--replay", type=Path, help=argparse.SUPPRESS)  # the process under callgrind
    args = parser.parse_args()
    if args.replay:
        replay_counted(args.replay, args.requests)
        return
    if shutil.which("valgrind") is None:
        subprocess.run(["apt-get", "install", "-y", "-qq", "valgrind"], check=True, stdout=subprocess.DEVNULL)
    from bench.learner_poll import COURSE_ID, SCENARIOS, configure_django, file_stem, request_lines, seed_cohort

    chosen = list(args.scenarios or DEFAULT_SCENARIOS)
    unknown = set(chosen) - set(SCENARIOS)
    if unknown:
        parser.error(f"choose scenarios among {sorted(SCENARIOS)} (unknown: {sorted(unknown)})")
    for compared in [SCENARIOS[name][1] for name in chosen]:
        if compared and compared not in chosen:
            chosen.append(compared)
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

    def count(name: str, **overrides: str) -> float:
        # one file per run, so a reload's count keeps its own callgrind output beside the steady one
        lines_file = workdir / f"{file_stem(name)}{''.join(f'-{key}{value}' for key, value in overrides.items())}.lines"
        lines_file.write_text("\n".join(scenarios[name]) + "\n")
        env = {**envs[SCENARIOS[name][0]], **STEADY_STATE, "PYTHONHASHSEED": "0", **overrides}
        return instructions_per_request(lines_file, env, args.requests, workdir)

    results = {}
    for name in chosen:
        results[name] = count(name)
        print(f"{name}: {results[name] / 1e6:.3f} M instructions per request", flush=True)
    reloads = {}
    if args.write:
        steady = results["latest"] if "latest" in results else count("latest")
        for label, setting in RELOADS.items():
            reloads[label] = count("latest", **{setting: "0"}) - steady
            print(f"{label}: {reloads[label] / 1e6:.3f} M instructions", flush=True)
        write(results, reloads, SCENARIOS, args)
    print(json.dumps({name: round(value) for name, value in results.items()}))


def write(results: dict, reloads: dict, scenarios: dict, args) -> None:
    from bench.common import write_section

    lines = [
        f"`.venv/bin/python -m bench.instructions --write` (requests counted per scenario: {args.requests}) counts the "
        "instructions the web process executes per request under callgrind: the same count on a busy or an idle "
        "machine, so it shows a cut of a few percent that wrk's req/s cannot (module docstring). Each scenario is "
        "replayed in-process through the WSGI handler on the bench settings (service) or the ceiling project's, "
        f"after {WARM_REQUESTS} warm-up requests, with the per-process caches warm (steady state). It counts neither "
        "PostgreSQL's side nor system calls: the throughput targets are `bench.learner_poll`'s.",
        "",
        "| scenario | M instructions / request | compared with | ratio |",
        "|---|---|---|---|",
    ]
    for name, value in results.items():
        compared = scenarios[name][1]
        ratio = f"{value / results[compared]:.2f}" if compared in results else "—"
        lines.append(f"| {name} | {value / 1e6:.3f} | {compared or '—'} | {ratio} |")
    lines += [
        "",
        "What a steady-state request leaves out, counted as the extra instructions of a `latest` request whose "
        "cache entry has expired (each worker pays it once per TTL per exam, or per learner's token):",
        "",
        "| reload | M instructions |",
        "|---|---|",
        *(f"| {label} | {value / 1e6:.3f} |" for label, value in reloads.items()),
    ]
    write_section("Instructions per request (issue 17, callgrind)", "\n".join(lines))


if __name__ == "__main__":
    main()
