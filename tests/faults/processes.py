"""Real processes for the fault suite: a Redis server on its own port, gunicorn, a Celery worker and beat.

Each is a context manager that starts the process in its own session (so a fault can kill exactly it) and
stops it at the end; `RedisServer.stop()/start()` make the outage.
"""

import os
import signal
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import redis

ROOT = Path(__file__).resolve().parents[2]


def process_env(database_name: str, application_name: str = "exams-faults", **extra) -> dict:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DATABASE", "REDIS", "CELERY"))}
    env.update(
        DJANGO_SETTINGS_MODULE="tests.faults.fault_settings",
        # application_name tags this suite's connections: a fault kills exactly those (the server is shared)
        DATABASE_URL=f"postgres://postgres@127.0.0.1:5432/{database_name}?application_name={application_name}",
        PYTHONPATH=str(ROOT),
        PYTHONUNBUFFERED="1",
        ATTEMPT_SWEEP_INTERVAL_SECONDS="2",
        EVENTS_OUTBOX_SWEEP_SECONDS="2",
        EVENTS_OUTBOX_RETRY_BASE_SECONDS="1",
        EVENTS_OUTBOX_RETRY_MAX_SECONDS="4",
        EVENTS_OUTBOX_CLAIM_SECONDS="6",  # a publisher killed mid-publish hands its row to the sweep after this
        MONITORING_SWEEP_SECONDS="2",
        CELERY_TASK_ALWAYS_EAGER="false",
        **extra,
    )
    return env


def event_bus_env(bus_url: str, topic_prefix: str = "faults") -> dict:
    """Settings of the Redis Streams event bus; the URL's socket timeouts stay below the claim time."""
    return dict(
        EVENT_BUS_PRODUCER="edx_event_bus_redis.create_producer",
        EVENT_BUS_REDIS_CONNECTION_URL=bus_url,
        EVENT_BUS_TOPIC_PREFIX=topic_prefix,
    )


def stream_event_ids(port: int, topic_prefix: str = "faults") -> list[str]:
    """The `id` of every entry on the exam attempt stream of the bus Redis on `port` (in stream order)."""
    client = redis.Redis(port=port, socket_connect_timeout=1)
    try:
        entries = client.xrange(f"{topic_prefix}-learning-exam-attempt-lifecycle")
    finally:
        client.close()
    return [fields[b"id"].decode() for _, fields in entries]


def wait_until(condition, timeout: float, what: str, interval: float = 0.25):
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(interval)


class RedisServer:
    """`redis-server` on `port` without persistence; stop() is the outage, start() the recovery."""

    def __init__(self, port: int, log_dir: Path):
        self.port, self.log = port, log_dir / f"redis-{port}.log"
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        command = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
        self.process = subprocess.Popen(command, stdout=self.log.open("a"), stderr=subprocess.STDOUT)
        client = redis.Redis(port=self.port, socket_connect_timeout=0.5)
        wait_until(lambda: self._pings(client), 10, f"redis on {self.port}")

    @staticmethod
    def _pings(client) -> bool:
        try:
            return client.ping()
        except redis.RedisError:
            return False

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()  # an outage, not a shutdown: no goodbye to the clients
            self.process.wait(10)


@contextmanager
def redis_server(port: int, log_dir: Path):
    server = RedisServer(port, log_dir)
    server.start()
    try:
        yield server
    finally:
        server.stop()


@contextmanager
def spawned(name: str, command: list[str], env: dict, log_dir: Path):
    log = log_dir / f"{name}.log"
    process = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=log.open("a"), stderr=subprocess.STDOUT, start_new_session=True
    )
    process.log_path = log
    try:
        yield process
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(10)


def celery(kind: str, env: dict, log_dir: Path, *extra: str, name: str | None = None):
    command = [sys.executable, "-m", "celery", "-A", "exams_service", kind, "--loglevel", "INFO", *extra]
    if kind == "beat":
        command += ["--schedule", str(log_dir / "beat-schedule")]
    return spawned(name or f"celery-{kind}", command, env, log_dir)


@contextmanager
def gunicorn(port: int, env: dict, log_dir: Path, workers: int = 2):
    command = [sys.executable, "-m", "gunicorn", "exams_service.wsgi", "--bind", f"127.0.0.1:{port}"]
    command += ["--workers", str(workers), "--timeout", "30"]
    with spawned(f"gunicorn-{port}", command, env, log_dir) as process:
        wait_until(lambda: _answers(f"http://127.0.0.1:{port}/health/"), 60, "gunicorn")
        yield process


def _answers(url: str) -> bool:
    try:
        urllib.request.urlopen(url, timeout=2)
        return True
    except OSError:
        return False


def log_text(process) -> str:
    return Path(process.log_path).read_text(errors="replace")


@contextmanager
def asgi(port: int, env: dict, log_dir: Path):
    """`manage.py run_asgi` (uvicorn, one process) on `port`, as docs/monitoring.md runs it in production."""
    command = [sys.executable, "manage.py", "run_asgi", "--port", str(port), "--workers", "1"]
    with spawned(f"asgi-{port}", command, {**env, "DATABASE_POOL": "true"}, log_dir) as process:
        wait_until(lambda: _answers(f"http://127.0.0.1:{port}/health/"), 60, f"run_asgi on {port}")
        yield process


def monitoring_env(database_name: str, redis_url: str) -> dict:
    """ASGI processes on the Redis channel layer and cache (`REDIS_URL`); Celery eager (no broker in these tests)."""
    env = process_env(database_name, REDIS_URL=redis_url, CELERY_BROKER_URL="memory://localhost/")
    env["CELERY_TASK_ALWAYS_EAGER"] = "true"
    return env
