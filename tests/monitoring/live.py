"""Real ASGI server processes (`manage.py run_asgi`, uvicorn) on loopback for the browser and cross-process tests."""

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def live_env(tmp_path: Path, **extra) -> dict:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DATABASE_URL", "REDIS_URL"))}
    env.update(
        DJANGO_SETTINGS_MODULE="tests.monitoring.live_settings",
        DATABASE_URL=f"sqlite:///{tmp_path / 'live.sqlite3'}",
        PYTHONPATH=str(ROOT),
        **extra,
    )
    return env


def prepare(env: dict, learners: int = 1) -> dict:
    """Migrate the live database and seed it; returns tokens and session ids."""
    run = dict(cwd=ROOT, env=env, check=True, capture_output=True, text=True, timeout=180)
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], **run)
    return json.loads(subprocess.run([sys.executable, "-m", "tests.monitoring.live_seed", str(learners)], **run).stdout)


@contextmanager
def serving(command: list[str], env: dict, port: int, log: Path | None = None):
    """Run a server process (its own process group) until the block ends, once its /health/ answers;
    `log` receives its stdout and stderr."""
    output = open(log, "wb") if log else None  # noqa: SIM115 (closed after the server exits)
    server = subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True, stdout=output, stderr=output)
    try:
        deadline = time.time() + 60
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/health/", timeout=2)
                break
            except OSError:
                if server.poll() is not None or time.time() > deadline:
                    raise RuntimeError(f"{command[:3]} on port {port} did not come up") from None
                time.sleep(0.3)
        yield server
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
        if output:
            output.close()


def asgi_server(env: dict, port: int, workers: int = 1, log: Path | None = None):
    command = [sys.executable, "manage.py", "run_asgi", "--port", str(port), "--workers", str(workers)]
    return serving(command, env, port, log=log)


def daphne_server(env: dict, port: int):
    return serving(
        [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port), "exams_service.asgi:application"],
        env,
        port,
    )


def post_json(url: str, token: str) -> dict:
    request = urllib.request.Request(url, method="POST", data=b"{}", headers={"Authorization": f"JWT {token}"})
    request.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())
