"""Shared benchmark plumbing: a PostgreSQL database, a gunicorn server, wrk runs, docs/benchmarks.md sections."""

import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


def ensure_wrk() -> str:
    if shutil.which("wrk") is None:
        subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True, stdout=subprocess.DEVNULL)
    return shutil.which("wrk")


def setup_django(database_url: str, **environment: str) -> dict:
    """Django in this process on the bench settings (the server processes get the returned environment), migrated."""
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="bench.settings", DATABASE_URL=database_url, **environment)
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return env


def recreate_postgres_database(name: str) -> str:
    for sql in (f"DROP DATABASE IF EXISTS {name} WITH (FORCE)", f"CREATE DATABASE {name}"):
        subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc", sql], check=True)
    return f"postgres://postgres@127.0.0.1:5432/{name}"


def start_gunicorn(
    env: dict,
    port: int,
    workers: int = 4,
    app: str = "exams_service.wsgi",
    *,
    python: str = PYTHON,
    cwd: Path = ROOT,
    health_path: str = "/health/",
) -> subprocess.Popen:
    """gunicorn with the flags every benchmark uses (sync workers, keep-alive 30 s, warnings only)."""
    command = [
        python,
        "-m",
        "gunicorn",
        app,
        "-w",
        str(workers),
        "-b",
        f"127.0.0.1:{port}",
        "--log-level",
        "warning",
        "--keep-alive",
        "30",
    ]
    return start_server(command, env, port, name=f"gunicorn {app}", wait_seconds=90, health_path=health_path, cwd=cwd)


def start_server(
    command: list[str],
    env: dict,
    port: int,
    *,
    name: str,
    wait_seconds: float = 30,
    health_path: str = "/health/",
    cwd: Path = ROOT,
) -> subprocess.Popen:
    """Start a server in its own process group and wait until its health URL answers."""
    server = subprocess.Popen(command, cwd=cwd, env=env, start_new_session=True)
    deadline = time.time() + wait_seconds
    while time.time() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}{health_path}", timeout=2)
            return server
        except OSError:
            time.sleep(0.3)
    stop(server)
    raise RuntimeError(f"{name} did not come up")


def stop(server: subprocess.Popen, wait_seconds: float = 30) -> None:
    os.killpg(server.pid, signal.SIGTERM)
    server.wait(timeout=wait_seconds)


def run_wrk(port: int, request_file: Path, connections: int, seconds: int) -> dict:
    output = subprocess.run(
        [
            ensure_wrk(),
            "-t",
            "2",
            "-c",
            str(connections),
            "-d",
            f"{seconds}s",
            "--latency",
            "--timeout",
            "10s",
            "-s",
            str(ROOT / "bench" / "wrk_requests.lua"),
            f"http://127.0.0.1:{port}",
            "--",
            str(request_file),
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "p50_ms": _latency(output, "50%"),
        "p99_ms": _latency(output, "99%"),
        "errors": int(m.group(1)) if (m := re.search(r"Non-2xx or 3xx responses: (\d+)", output)) else 0,
        "requests": int(re.search(r"(\d+) requests in", output).group(1)),
    }


def _latency(output: str, percentile: str) -> float:
    value, unit = re.search(rf"{percentile}\s+([\d.]+)(us|ms|s)", output).groups()
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def write_section(title: str, body: str) -> None:
    """Replace (or append) the `## title` section of docs/benchmarks.md."""
    path = ROOT / "docs" / "benchmarks.md"
    text = path.read_text() if path.exists() else "# Benchmarks\n\nResults of the scripts under `bench/`.\n"
    pattern = re.compile(rf"\n## {re.escape(title)}\n.*?(?=\n## |\Z)", re.S)
    section = f"\n## {title}\n\n{body.strip()}\n"
    text = pattern.sub(lambda _: section, text) if pattern.search(text) else text.rstrip() + "\n" + section
    path.write_text(text)
