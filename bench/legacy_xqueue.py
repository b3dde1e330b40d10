"""The legacy openedx/xqueue server, built from a git checkout the caller provides (never vendored here).

`prepare()` exports the source from a git directory, makes a virtualenv with a Python the legacy code supports
(it dropped 3.11), installs its pinned requirements (mysqlclient, built against the MariaDB client headers it
installs), writes a settings module pointing at this machine's MariaDB, migrates and creates the grader and LMS
users. `start()` serves it with the same gunicorn flags as our service. Legacy xqueue is written for MySQL: it
filters booleans with `= 0`, which PostgreSQL refuses, so it runs on MariaDB with its own driver.
"""

import os
import shutil
import subprocess
from pathlib import Path

from bench.common import start_gunicorn

SETTINGS = """\
import os

from xqueue.settings import *  # noqa: F401,F403

DATABASES = {{
    "default": {{
        "ENGINE": "django.db.backends.mysql",
        "NAME": "{database}",
        "USER": "root",
        "HOST": "127.0.0.1",
        "PORT": 3306,
        "OPTIONS": {{"charset": "utf8mb4"}},
        "CONN_MAX_AGE": int(os.environ.get("LEGACY_CONN_MAX_AGE", "0")),
    }}
}}
XQUEUES = {{"{queue}": None}}
USERS = {{"bench-grader": "{password}", "bench-lms": "{password}"}}
LOGGING = {{"version": 1, "disable_existing_loggers": True, "root": {{"level": "ERROR"}}}}
"""


def find_python(explicit: str | None) -> str:
    """The first candidate that really runs Python >= 3.12 (pyenv shims exist for versions that are not active)."""
    pyenv = sorted(Path("/root/.pyenv/versions").glob("3.1[2-9]*/bin/python3"), reverse=True)
    for candidate in [explicit, *map(str, pyenv), "python3.12", "python3.13"]:
        if not candidate or not (shutil.which(candidate) or Path(candidate).exists()):
            continue
        probe = [candidate, "-c", "import sys; sys.exit(sys.version_info < (3, 12))"]
        if subprocess.run(probe, capture_output=True).returncode == 0:
            return candidate
    raise SystemExit("legacy xqueue needs Python >= 3.12 (--legacy-python)")


def prepare(git_dir: Path, workdir: Path, *, python: str | None, database: str, queue: str, password: str) -> Path:
    """Export, install, configure and migrate legacy xqueue on MariaDB database `database`; its source folder."""
    source = workdir / "xqueue"
    if not source.exists():
        source.mkdir(parents=True)
        archive = subprocess.run(["git", "--git-dir", str(git_dir), "archive", "HEAD"], check=True, capture_output=True)
        subprocess.run(["tar", "-x", "-C", str(source)], input=archive.stdout, check=True)
    venv = workdir / "venv"
    if not (venv / ".installed").exists():
        headers = ["apt-get", "install", "-y", "-qq", "pkg-config", "libmariadb-dev"]
        subprocess.run(headers, check=True, stdout=subprocess.DEVNULL)
        subprocess.run([find_python(python), "-m", "venv", str(venv)], check=True)
        pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "-q"]
        subprocess.run([*pip, "-r", str(source / "requirements.txt")], check=True)
        (venv / ".installed").touch()
    (source / "bench_legacy_settings.py").write_text(SETTINGS.format(database=database, queue=queue, password=password))
    for command in (["migrate", "--noinput"], ["update_users"]):
        subprocess.run(
            [str(venv / "bin" / "python"), "manage.py", *command],
            cwd=source,
            env=environment(source, conn_max_age=0),
            check=True,
            stdout=subprocess.DEVNULL,
        )
    return source


def environment(source: Path, *, conn_max_age: int) -> dict:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench_legacy_settings",
        "LEGACY_CONN_MAX_AGE": str(conn_max_age),
        "PYTHONPATH": str(source),
    }


def start(source: Path, port: int, *, conn_max_age: int, workers: int = 4):
    """gunicorn with our benchmarks' flags, in the legacy source folder (our `xqueue` package would shadow it)."""
    env = environment(source, conn_max_age=conn_max_age)
    python = str(source.parent / "venv" / "bin" / "python")
    return start_gunicorn(env, port, workers, "xqueue.wsgi", python=python, cwd=source, health_path="/xqueue/status/")
