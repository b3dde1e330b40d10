"""Real xqueue-watcher processes starting together on a CPU-saturated host: how many survive their logins.

    .venv/bin/python -m bench.watcher_logins --watcher-git /work/.mirror/openedx+xqueue-watcher/repo \
        [--rev HEAD] [--python /path/to/venv-with-the-watcher's-deps/bin/python] [--watchers 6] [--seconds 20]

The watcher is taken unmodified from a git checkout (`git archive` into a temporary directory, never vendored)
and run with its defaults (REQUESTS_TIMEOUT 1 s) as `python -m xqueue_watcher -d <config>`, one process per
watcher, each with one client. `--python` must have the watcher's dependencies (requests, opentelemetry-sdk;
see its pyproject.toml); this project does not install them. A client whose login times out dies and its
manager exits, so the survivors after `--seconds` are the processes still running.

Two rounds against gunicorn (2 workers, the production hasher list, SQLite): the account with a generated
secret (fast keyed hash), then one with an operator-chosen password (PBKDF2). Busy loops (one per core plus one)
load the CPU. Prints the counts; the lead runs it for numbers (docs/benchmarks.md), not the helpers.
"""

import argparse
import json
import os
import subprocess
import tempfile
import time
from contextlib import ExitStack, contextmanager
from pathlib import Path

from bench.common import PYTHON, setup_django, start_gunicorn, stop

QUEUE = "bench-watcher-logins"
CHOSEN_PASSWORD = "an operator chosen bench password"


def export_watcher(git_dir: str, rev: str, into: Path) -> Path:
    """The watcher's tree at `rev`, unpacked under `into` (no checkout of ours is touched)."""
    archive = subprocess.run(["git", "--git-dir", git_dir, "archive", rev], check=True, capture_output=True).stdout
    into.mkdir(parents=True)
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    if not (into / "xqueue_watcher" / "__main__.py").is_file():
        raise SystemExit(f"{git_dir}@{rev} has no xqueue_watcher package")
    return into


def watcher_config(root: Path, server: str, username: str, password: str) -> Path:
    (root / "conf.d").mkdir(parents=True)
    (root / "xqwatcher.json").write_text(json.dumps({"POLL_TIME": 1}))  # notice a dead client within 1 s
    queue = {QUEUE: {"SERVER": server, "AUTH": [username, password], "CONNECTIONS": 1, "HANDLERS": []}}
    (root / "conf.d" / "bench.json").write_text(json.dumps(queue))
    return root


@contextmanager
def busy_loops(count: int):
    loops = [subprocess.Popen([PYTHON, "-c", "while True: pass"]) for _ in range(count)]
    try:
        yield loops
    finally:
        for loop in loops:
            loop.kill()
            loop.wait()


def run_round(args, source: Path, work: Path, server: str, username: str, password: str) -> tuple[int, list[str]]:
    """Start `args.watchers` watcher processes at once; (survivors, the last log line of each that died)."""
    config = watcher_config(work / f"config-{username}", server, username, password)
    env = dict(os.environ, PYTHONPATH=str(source))
    with ExitStack() as stack:
        logs = [stack.enter_context((work / f"{username}-{i}.log").open("w")) for i in range(args.watchers)]
        command = [args.python, "-m", "xqueue_watcher", "-d", str(config)]
        watchers = [
            subprocess.Popen(command, cwd=source, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
            for log in logs
        ]
        time.sleep(args.seconds)
        exited = [watcher.poll() is not None for watcher in watchers]
        for watcher, gone in zip(watchers, exited, strict=True):
            if not gone:
                stop(watcher, wait_seconds=10)
    died = []
    for i, gone in enumerate(exited):
        if gone:
            lines = (work / f"{username}-{i}.log").read_text(errors="replace").strip().splitlines()
            died += [line for line in lines if "Error" in line or "Timeout" in line or "died" in line][-1:]
    return exited.count(False), died


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--watcher-git", required=True, help="git directory of an xqueue-watcher clone or mirror")
    parser.add_argument("--rev", default="HEAD")
    parser.add_argument("--python", default=PYTHON, help="an interpreter with the watcher's dependencies")
    parser.add_argument("--watchers", type=int, default=6)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--port", type=int, default=18190)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="watcher-logins-"))
    source = export_watcher(args.watcher_git, args.rev, work / "xqueue-watcher")
    probe = [args.python, "-c", "import xqueue_watcher.manager"]
    if subprocess.run(probe, cwd=source, env=dict(os.environ, PYTHONPATH=str(source))).returncode:
        raise SystemExit(f"{args.python} cannot import the watcher: give --python a venv with its dependencies")
    env = setup_django(f"sqlite:///{work / 'watcher_logins.sqlite3'}")
    from xqueue import services

    services.ensure_queue(name=QUEUE, visibility_timeout=60, max_attempts=3)
    _, secret = services.issue_secret(username="bench-secret", role="grader")
    services.create_account(username="bench-chosen", password=CHOSEN_PASSWORD, role="grader")
    server = start_gunicorn(env, args.port, workers=2)
    results = {}
    try:
        with busy_loops((os.cpu_count() or 1) + 1):
            time.sleep(1)
            base = f"http://127.0.0.1:{args.port}"
            for label, username, password in (
                ("generated secret (fast keyed hash)", "bench-secret", secret),
                ("operator-chosen password (PBKDF2)", "bench-chosen", CHOSEN_PASSWORD),
            ):
                results[label] = run_round(args, source, work, base, username, password)
    finally:
        stop(server)
    print(f"{args.watchers} xqueue-watcher processes ({args.rev}) started together, CPU saturated:")
    for label, (survivors, died) in results.items():
        print(f"  {label}: {survivors}/{args.watchers} survived" + (f"; e.g. {died[0]}" if died else ""))
    print(f"logs: {work}")


if __name__ == "__main__":
    main()
