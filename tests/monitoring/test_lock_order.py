"""Issue 16 (3): presence changes and anomalies of one exam never deadlock (docs/architecture.md, lock order).

The scenario that deadlocked: an anomaly waits for the exam's counter row, then a presence change locks the
session and waits for the counter too; when the counter is released the anomaly increments it and needs the
session (its foreign key) while the presence change holds the session and needs the counter.
"""

import queue
import threading
import time

import pytest
from django.db import connection, connections, transaction

from monitoring import services
from monitoring.models import ANOMALY, PRESENCE, STALE, ExamStream, SessionEvent

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("row_locks")]


def backend_id() -> int:
    connection.ensure_connection()
    if connection.vendor == "postgresql":
        return connection.connection.info.backend_pid
    return connection.connection.thread_id()


def is_waiting_for_a_lock(backend: int) -> bool:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT cardinality(pg_blocking_pids(%s)) > 0", [backend])
        else:
            cursor.execute(  # MariaDB: a statement still running after 300 ms here is waiting for a row lock
                "SELECT COUNT(*) > 0 FROM information_schema.processlist "
                "WHERE id = %s AND command = 'Query' AND info IS NOT NULL AND time_ms > 300",
                [backend],
            )
        return bool(cursor.fetchone()[0])


def wait_until_blocked(backend: int, outcome: list) -> None:
    deadline = time.monotonic() + 10
    while not is_waiting_for_a_lock(backend):
        assert not outcome, f"finished before waiting for a lock: {outcome}"
        assert time.monotonic() < deadline, f"backend {backend} never waited for a lock"
        time.sleep(0.02)


def start(work) -> tuple[threading.Thread, queue.Queue, list]:
    """Run `work()` in a thread with its own connection; the queue yields its backend id first."""
    backends, outcome = queue.Queue(), []

    def runner():
        try:
            backends.put(backend_id())
            outcome.append(work())
        except Exception as error:  # noqa: BLE001 - asserted by the test
            outcome.append(error)
        finally:
            connections.close_all()

    thread = threading.Thread(target=runner)
    thread.start()
    return thread, backends, outcome


def test_an_anomaly_and_a_presence_change_queued_on_the_counter_both_complete(session):
    ExamStream.objects.get_or_create(exam_id=session.exam_id)
    anomaly = {"kind": "face_missing", "severity": 0.5, "client_seq": 1, "evidence": None}
    with transaction.atomic():  # a third writer holds the exam's counter
        ExamStream.objects.select_for_update().get(exam_id=session.exam_id)
        anomaly_thread, anomaly_backend, anomaly_outcome = start(
            lambda: services.record_anomaly(session_id=session.pk, exam_id=session.exam_id, anomaly=anomaly)
        )
        wait_until_blocked(anomaly_backend.get(timeout=10), anomaly_outcome)
        presence_thread, presence_backend, presence_outcome = start(
            lambda: services.set_presence(session_id=session.pk, state=STALE)
        )
        wait_until_blocked(presence_backend.get(timeout=10), presence_outcome)
    anomaly_thread.join(30)
    presence_thread.join(30)
    assert not isinstance(anomaly_outcome[0], Exception), anomaly_outcome
    assert not isinstance(presence_outcome[0], Exception), presence_outcome
    kinds = list(
        SessionEvent.objects.filter(session=session, type__in=[ANOMALY, PRESENCE])
        .order_by("seq")
        .values_list("kind", "seq")
    )
    assert sorted(kind for kind, _ in kinds) == ["face_missing", STALE]
    assert [seq for _, seq in kinds] == [kinds[0][1], kinds[0][1] + 1]  # no hole in the exam's sequence
