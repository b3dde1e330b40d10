"""Issue 16 (3): services retry a lost connection and a deadlock once they own their transaction."""

import psycopg
import pytest
from django.db import OperationalError, connection, transaction

from exams_service.db_retry import is_retryable, retry_database_errors
from monitoring import services
from monitoring.models import STALE, SessionEvent

pytestmark = pytest.mark.django_db(transaction=True)


def terminate_own_backend() -> None:
    """Kill this thread's server connection from another one, as an operator or a failover would."""
    connection.ensure_connection()
    pid = connection.connection.info.backend_pid
    with psycopg.connect("host=127.0.0.1 port=5432 user=postgres dbname=postgres", autocommit=True) as killer:
        killer.execute("SELECT pg_terminate_backend(%s)", [pid])


def test_a_presence_change_survives_its_connection_being_terminated(session):
    if connection.vendor != "postgresql":
        pytest.skip("pg_terminate_backend: the PostgreSQL pass of `make test`")
    terminate_own_backend()
    event = services.set_presence(session_id=session.pk, state=STALE)
    assert event is not None and event.kind == STALE
    assert SessionEvent.objects.filter(session=session, kind=STALE).count() == 1


def test_inside_a_callers_transaction_nothing_is_retried():
    calls = []

    @retry_database_errors(base_delay=0)
    def fails():
        calls.append(1)
        raise OperationalError("server closed the connection unexpectedly")

    with pytest.raises(OperationalError), transaction.atomic():
        fails()
    assert calls == [1]
    calls.clear()
    with pytest.raises(OperationalError):
        fails()
    assert calls == [1, 1, 1, 1]


def test_which_errors_are_retried():
    deadlock = OperationalError("deadlock detected")
    deadlock.__cause__ = psycopg.errors.DeadlockDetected("deadlock detected")
    assert is_retryable(deadlock)
    mysql_deadlock = OperationalError(1213, "Deadlock found when trying to get lock")
    assert is_retryable(mysql_deadlock)
    missing_table = OperationalError("no such table: monitoring_sessionevent")
    assert not is_retryable(missing_table)
    mysql_syntax = OperationalError(1064, "You have an error in your SQL syntax")
    assert not is_retryable(mysql_syntax)
