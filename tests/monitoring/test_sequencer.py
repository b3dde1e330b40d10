"""Issue 17: a status change never waits on a per-exam row; its event is numbered after the commit, gaplessly."""

import time
from contextlib import contextmanager

import pytest
from django.db import connection, connections, transaction

from exams.api import Action, Actor, apply_action
from exams.services.attempts import create_attempt
from monitoring import bridge, presence, sequencer
from monitoring.models import ANOMALY, STATUS, ExamSequencer, ExamStream, SessionEvent
from monitoring.services import ensure_session, record_event
from tests.conftest import make_user
from tests.threads import run_concurrently

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def sessions(timed_exam):
    learners = [make_user(f"seq-learner-{i}") for i in range(8)]
    attempts = [create_attempt(user=learner, exam_id=timed_exam.pk, start_clock=True) for learner in learners]
    return [ensure_session(attempt=attempt) for attempt in attempts]


def exam_seqs(exam_id: int) -> list:
    return list(SessionEvent.objects.filter(exam_id=exam_id).order_by("id").values_list("seq", flat=True))


@contextmanager
def rows_held_elsewhere(exam_id: int, *models):
    """The exam's rows of `models` locked by another connection until the block ends."""
    other = connections.create_connection("default")
    try:
        other.set_autocommit(False)
        with other.cursor() as cursor:
            for model in models:
                table = connection.ops.quote_name(model._meta.db_table)
                cursor.execute(f"SELECT exam_id FROM {table} WHERE exam_id = %s FOR UPDATE", [exam_id])
        yield
    finally:
        other.rollback()
        other.close()


def stop_and_start(session) -> None:
    for action in (Action.STOP, Action.START):
        apply_action(attempt_id=session.attempt_id, action=action, actor=Actor.LEARNER)


@pytest.fixture(params=["in-request", "numbering-thread"])
def numbering(request):
    """Status events numbered in the request (the in-memory layer) or by the process's numbering thread (Redis)."""
    if request.param == "numbering-thread":
        request.getfixturevalue("redis_layer")
        request.getfixturevalue("settings").MONITORING_NUMBERING_WINDOW_MS = 5
    return request.param


@pytest.mark.usefixtures("row_locks", "numbering")
def test_every_event_is_numbered_once_without_gaps_under_concurrent_status_changes(sessions):
    exam_id = sessions[0].exam_id
    before = SessionEvent.objects.filter(exam_id=exam_id, type=STATUS).count()

    def work(i):
        for _ in range(3):
            stop_and_start(sessions[i])
            record_event(session_id=sessions[i].pk, exam_id=exam_id, type=ANOMALY, kind="gaze", severity=0.5)

    _, errors = run_concurrently(len(sessions), work)
    assert errors == []
    assert bridge.late_numbering.wait_idle(10), "the late numbering of skipped writers did not finish"
    seqs = sorted(exam_seqs(exam_id))
    assert None not in seqs, "an event was left unnumbered after every writer and the late numbering returned"
    assert seqs == list(range(1, len(seqs) + 1))  # gapless, each once (the unique constraint forbids repeats)
    assert ExamStream.objects.get(exam_id=exam_id).last_seq == len(seqs)
    assert SessionEvent.objects.filter(exam_id=exam_id, type=STATUS).count() == before + len(sessions) * 3 * 2


def test_one_session_keeps_its_order(sessions):
    session = sessions[0]
    for _ in range(3):
        stop_and_start(session)
    kinds = SessionEvent.objects.filter(session=session, type=STATUS).order_by("seq").values_list("kind", flat=True)
    assert list(kinds) == ["started"] + ["ready_to_submit", "started"] * 3


@pytest.mark.usefixtures("row_locks")
def test_a_status_change_does_not_wait_for_a_held_exam_counter(sessions):
    """The attempt's transaction locks no per-exam row and its request never waits for the sequencer: with the
    counter and the sequencer held elsewhere, a learner's stop commits and returns at once; its event is numbered
    by the process's late numbering once the holder lets go."""
    exam_id = sessions[0].exam_id
    numbered = exam_seqs(exam_id)
    with rows_held_elsewhere(exam_id, ExamStream, ExamSequencer):
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("SET lock_timeout = '2s'")
            else:
                cursor.execute("SET SESSION innodb_lock_wait_timeout = 2")
        apply_action(attempt_id=sessions[0].attempt_id, action=Action.STOP, actor=Actor.LEARNER)
        assert exam_seqs(exam_id) == [*numbered, None]  # committed, waiting for its number
        assert not bridge.late_numbering.wait_idle(0.3)  # queued, waiting for the holder
    assert bridge.late_numbering.wait_idle(10)
    assert exam_seqs(exam_id) == [*numbered, len(numbered) + 1]
    assert presence.number_leftovers() == 0


def test_the_sweep_numbers_what_a_crash_left_unnumbered(sessions):
    session = sessions[0]
    numbered = len(exam_seqs(session.exam_id))
    with transaction.atomic():  # a writer that died after its commit, before numbering
        SessionEvent.objects.create(exam_id=session.exam_id, session=session, type=STATUS, kind="started", seq=None)
    record_event(session_id=session.pk, exam_id=session.exam_id, type=ANOMALY, kind="gaze", severity=0.2)
    assert sequencer.exams_with_pending() == [session.exam_id]
    assert presence.number_leftovers() == 1
    assert sorted(exam_seqs(session.exam_id)) == list(range(1, numbered + 3))
    assert sequencer.exams_with_pending() == []


@pytest.mark.usefixtures("row_locks")
def test_a_writer_whose_exam_is_queued_for_late_numbering_leaves_its_event_to_it(sessions):
    """One exam's learners skip often: once the exam waits in the late numbering's queue, the next writers
    send no numbering statement of their own; the queued claim, which comes after their commits, numbers them."""
    from django.test.utils import CaptureQueriesContext

    exam_id = sessions[0].exam_id
    numbered = exam_seqs(exam_id)
    with rows_held_elsewhere(exam_id, ExamSequencer):
        apply_action(attempt_id=sessions[0].attempt_id, action=Action.STOP, actor=Actor.LEARNER)
        deadline = time.monotonic() + 5
        while bridge.late_numbering.queued(exam_id) and time.monotonic() < deadline:
            time.sleep(0.01)  # the thread took the exam and waits for the holder
        apply_action(attempt_id=sessions[1].attempt_id, action=Action.STOP, actor=Actor.LEARNER)
        assert bridge.late_numbering.queued(exam_id)  # skipped again while the thread is busy: queued anew
        with CaptureQueriesContext(connection) as queries:
            apply_action(attempt_id=sessions[2].attempt_id, action=Action.STOP, actor=Actor.LEARNER)
        statements = [query["sql"] for query in queries.captured_queries]
        assert not any("number_pending" in sql or "examsequencer" in sql.lower() for sql in statements), statements
        assert exam_seqs(exam_id) == [*numbered, None, None, None]
    assert bridge.late_numbering.wait_idle(10)
    assert exam_seqs(exam_id) == [*numbered, *range(len(numbered) + 1, len(numbered) + 4)]
    assert presence.number_leftovers() == 0
