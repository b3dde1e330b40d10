"""Issue 16 (1): the documented production configuration with a connection pool reaches the database,
and a system check refuses settings that contradict the pool."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import override_settings

from exams_service.db_checks import check_database_connections
from tests.conftest import require_service

ROOT = Path(__file__).resolve().parents[2]
PROBE = (
    "import django; django.setup(); from django.db import connection; "
    "cursor = connection.cursor(); cursor.execute('SELECT 1'); print('row', cursor.fetchone()[0]); "
    "from django.core.management import call_command; call_command('check', '--database', 'default')"
)


def postgres_up() -> bool:
    import psycopg

    try:
        psycopg.connect("host=127.0.0.1 port=5432 user=postgres dbname=postgres", connect_timeout=2).close()
        return True
    except psycopg.Error:
        return False


def production_env(**extra) -> dict:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DATABASE", "DJANGO"))}
    env.update(
        DJANGO_SETTINGS_MODULE="settings.production",
        DJANGO_SECRET_KEY="a-production-secret-that-is-long-enough-for-the-checks-0123456789",
        EXAM_ACCESS_TOKEN_PRIVATE_JWK=_private_jwk(),
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/postgres",
        **extra,
    )
    return env


def _private_jwk() -> str:
    from settings.keys import new_private_jwk

    return new_private_jwk()


def test_production_with_a_pool_runs_queries_and_passes_its_checks():
    require_service("PostgreSQL", postgres_up(), "127.0.0.1:5432")
    env = production_env(DATABASE_POOL="true", DATABASE_CONN_MAX_AGE="60")
    result = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "row 1" in result.stdout


def test_production_without_a_pool_keeps_persistent_connections():
    env = production_env()
    code = "import django; django.setup(); from django.conf import settings; d = settings.DATABASES['default']; "
    code += "print(d['CONN_MAX_AGE'], d['CONN_HEALTH_CHECKS'], 'pool' in d.get('OPTIONS', {}))"
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.split() == ["60", "True", "False"]


def _databases(**default) -> dict:
    return {"default": {"ENGINE": "django.db.backends.postgresql", "NAME": "x", **default}}


@pytest.mark.parametrize(
    ("config", "expected"),
    [
        ({"CONN_MAX_AGE": 60, "OPTIONS": {"pool": {"max_size": 4}}}, ["exams_service.E101"]),
        ({"CONN_MAX_AGE": None, "OPTIONS": {"pool": True}}, ["exams_service.E101"]),
        ({"CONN_MAX_AGE": 0, "OPTIONS": {"pool": {"max_size": 4}}}, []),
        ({"CONN_MAX_AGE": 60, "OPTIONS": {}}, []),
        ({"CONN_MAX_AGE": 0, "OPTIONS": {"pool": {"min_size": 5, "max_size": 2}}}, ["exams_service.E102"]),
    ],
)
def test_system_check_refuses_a_pool_with_persistent_connections(config, expected):
    with override_settings(DATABASES=_databases(**config)):
        assert [error.id for error in check_database_connections(None)] == expected
