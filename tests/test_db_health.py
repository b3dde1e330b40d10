"""Issue 17: persistent connections are health-checked when idle, not before every request (db_health.py)."""

import pytest
from django.core.signals import request_finished, request_started
from django.db import OperationalError, connection, connections
from django.test import override_settings

from exams_service import db_health

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def persistent_checked_connection():
    if connection.vendor != "postgresql":
        pytest.skip("a killed server connection: runs in the PostgreSQL pass of `make test`")
    saved = {key: connection.settings_dict[key] for key in ("CONN_MAX_AGE", "CONN_HEALTH_CHECKS")}
    connection.settings_dict.update(CONN_MAX_AGE=600, CONN_HEALTH_CHECKS=True)
    # Django's test client disconnects and reconnects `close_old_connections`, which moves it after ours; in a
    # server it is connected first (at import of django.db). Restore that order.
    db_health.disconnect()
    db_health.connect()
    connection.close()
    connection.ensure_connection()
    yield connection
    connection.settings_dict.update(saved)
    connection.close()


def request(sql: str = "SELECT 1") -> None:
    """One request's worth of database work between the signals WSGI handlers send."""
    request_started.send(sender=None)
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql)
    finally:
        request_finished.send(sender=None)


def kill_backend(pid: int) -> None:
    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
    finally:
        other.close()


@override_settings(DATABASE_HEALTH_CHECK_INTERVAL_SECONDS=60)
def test_a_connection_that_just_served_a_request_is_not_checked_again(persistent_checked_connection):
    request()
    request_started.send(sender=None)
    try:
        assert connection.health_check_done  # no SELECT 1 before this request's first query
    finally:
        request_finished.send(sender=None)


@override_settings(DATABASE_HEALTH_CHECK_INTERVAL_SECONDS=0)
def test_an_idle_connection_is_checked_and_a_dead_one_replaced_transparently(persistent_checked_connection):
    request()
    pid = connection.connection.info.backend_pid
    kill_backend(pid)
    request()  # the check finds it dead and reconnects before the query: no error
    assert connection.connection.info.backend_pid != pid


@override_settings(DATABASE_HEALTH_CHECK_INTERVAL_SECONDS=60)
def test_a_connection_killed_inside_the_window_fails_one_request_then_is_replaced(persistent_checked_connection):
    request()
    pid = connection.connection.info.backend_pid
    kill_backend(pid)
    with pytest.raises(OperationalError):
        request()
    request()  # replaced at the failed request's end
    assert connection.connection.info.backend_pid != pid
