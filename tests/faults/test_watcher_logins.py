"""Graders starting together on a loaded machine all log in within xqueue-watcher's 1 s timeout.

Real processes: gunicorn with the server's own settings (production's PASSWORD_HASHERS, not the test suite's
MD5), busy loops on every core plus one, and WATCHERS grader processes (tests/faults/watcher_client.py) that
start at the same instant and behave like xqueue-watcher: a timed-out login kills a watcher. With the stretched
hash of an operator-chosen password, each login costs ~0.5 s of CPU and several of them queue past the timeout;
a generated secret (fast keyed hash) costs microseconds.
"""

import json
import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from urllib.request import urlopen

from django.contrib.auth import get_user_model

from exams_service.security import service_secrets
from tests.faults.conftest import FAULT_TEST
from tests.faults.processes import ROOT, gunicorn, log_text, process_env, spawned, wait_until
from xqueue import services

pytestmark = FAULT_TEST
WATCHERS = 6
QUEUE = "watcher-logins"


def manage(env: dict, *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def warm_up(url: str) -> None:
    """The server has been running: each worker has imported its URLconf (~150 ms, lazily, on a first request)."""
    with ThreadPoolExecutor(8) as pool:
        assert all(status == 200 for status in pool.map(lambda _: urlopen(url, timeout=30).status, range(16)))


def test_watchers_starting_together_under_cpu_load_all_log_in(database_name, http_port, log_dir):
    env = process_env(database_name)
    # Made by the server's own settings: the generated secret gets the fast hasher, a chosen password PBKDF2,
    # which shows production's hasher list is the one in effect there.
    secret = manage(env, "xqueue_create_account", "grader", "watcher").strip().splitlines()[-1]
    manage(env, "xqueue_create_account", "grader", "operator", "--password", "an operator chosen password")
    users = get_user_model().objects
    assert users.get(username="watcher").password.startswith(service_secrets.ALGORITHM + "$")
    assert users.get(username="operator").password.startswith("pbkdf2_sha256$")
    services.ensure_queue(name=QUEUE, visibility_timeout=60, max_attempts=3)

    base = f"http://127.0.0.1:{http_port}"
    client_env = {**env, "WATCHER_SECRET": secret}
    with gunicorn(http_port, env, log_dir) as server, ExitStack() as stack:
        warm_up(base + "/xqueue/login/")
        for i in range(os.cpu_count() + 1):
            stack.enter_context(spawned(f"busy-{i}", [sys.executable, "-c", "while True: pass"], env, log_dir))
        time.sleep(1)  # the load is on before the graders start
        start_at = f"{time.time() + 3:.3f}"  # after every grader has imported requests under the load
        command = [sys.executable, "-m", "tests.faults.watcher_client", "--server", base, "--username", "watcher"]
        command += ["--queue", QUEUE, "--polls", "3", "--start-at", start_at]
        graders = [stack.enter_context(spawned(f"grader-{i}", command, client_env, log_dir)) for i in range(WATCHERS)]
        wait_until(lambda: all(grader.poll() is not None for grader in graders), 120, "the graders to finish")
        outcomes = [(grader.returncode, log_text(grader).strip().splitlines()[-1:]) for grader in graders]
        assert server.poll() is None, log_text(server)[-2000:]

    died = [outcome for outcome in outcomes if outcome[0] != 0]
    assert not died, f"{len(died)} of {WATCHERS} graders did not log in within the timeout: {died}"
    reports = [json.loads(line) for _, (line,) in outcomes]
    # The timeout is per request (GET then POST), so a login may take longer in all; none timed out.
    assert all(report["relogins"] == 0 for report in reports), reports
    assert all(secret not in log_text(process) for process in (server, *graders))
