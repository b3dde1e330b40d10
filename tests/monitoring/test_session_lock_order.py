"""A session opened outside an attempt's transaction never deadlocks with that transaction (PostgreSQL, MariaDB).

Found by CI: a one-statement stop/resume on an attempt without a session opens the session after its commit,
without the attempt's lock, while a concurrent transactional change holds the attempt's lock and opens the same
session. The session's insert takes the unique slot and then checks its foreign key to the attempt; the
transaction holding the attempt waits for the slot. Both sides now take the attempt first.
"""

import threading
import time

import pytest
from django.db import connection, transaction

from exams import selectors
from exams import statuses as s
from monitoring import services
from monitoring.models import ProctoringSession
from tests.exams.factories import attempt_in_status

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("row_locks")]


def test_opening_a_session_while_the_attempt_is_locked_waits_instead_of_deadlocking(learner, timed_exam):
    attempt = attempt_in_status(learner, timed_exam, s.STARTED)
    ProctoringSession.objects.filter(attempt_id=attempt.pk).delete()  # an attempt that predates monitoring
    holder_locked, outsider_started = threading.Event(), threading.Event()
    sessions, errors = [], []

    def holder():  # the transactional path: the attempt's lock, then its session
        try:
            with transaction.atomic():
                locked = selectors.attempt_for_update(attempt.pk)
                holder_locked.set()
                outsider_started.wait(10)
                time.sleep(0.5)  # the outsider is now blocked inside its own work
                sessions.append(services.ensure_session(attempt=locked).pk)
        except Exception as exc:  # noqa: BLE001 - asserted below
            errors.append(exc)
        finally:
            connection.close()

    def outsider():  # the after-commit fallback: opens the session without any lock of its own
        try:
            holder_locked.wait(10)
            outsider_started.set()
            sessions.append(services.ensure_session(attempt=attempt).pk)
        except Exception as exc:  # noqa: BLE001 - asserted below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=holder), threading.Thread(target=outsider)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert errors == []
    assert len(sessions) == 2 and len(set(sessions)) == 1
    assert ProctoringSession.objects.filter(attempt_id=attempt.pk).count() == 1
