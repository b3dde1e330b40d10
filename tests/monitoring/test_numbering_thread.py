"""Issue 17: with the Redis channel layer a learner's status change neither numbers nor sends its event; the
process's numbering thread gathers the exams of a window and numbers them together
(`monitoring.late_numbering`, `monitoring.sequencer.sequence_pending_many`)."""

import asyncio
import threading

import pytest
from asgiref.sync import sync_to_async
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from exams.models import Exam
from exams.services.attempts import create_attempt
from monitoring import bridge, fanout, sequencer
from monitoring.models import STATUS, ExamStream, SessionEvent
from monitoring.services import ensure_session
from tests.conftest import COURSE_ID, make_user

pytestmark = pytest.mark.django_db(transaction=True)

NUMBERING_STATEMENTS = ("number_pending", "monitoring_examsequencer", "monitoring_examstream")


def running_exam(name: str, learners: int) -> tuple[Exam, list[tuple]]:
    """An exam whose learners each run an attempt with its proctoring session: (exam, [(user, attempt id)])."""
    exam = Exam.objects.create(
        course_id=COURSE_ID,
        content_id=f"block-v1:edX+T+1+type@sequential+block@{name}",
        exam_name=name,
        exam_type="timed",
        time_limit_mins=60,
        is_active=True,
    )
    running = []
    for i in range(learners):
        user = make_user(f"{name}-learner-{i}")
        attempt = create_attempt(user=user, exam_id=exam.pk, start_clock=True)
        ensure_session(attempt=attempt)
        running.append((user, attempt.pk))
    return exam, running


def last_seq(exam: Exam) -> int:
    return ExamStream.objects.get(exam_id=exam.pk).last_seq


def unnumbered(exam: Exam, count: int) -> list[int]:
    """`count` status events of the exam's first session committed without a seq (as a status change leaves them)."""
    session_id = SessionEvent.objects.filter(exam_id=exam.pk).values_list("session_id", flat=True).first()
    events = [
        SessionEvent.objects.create(exam_id=exam.pk, session_id=session_id, type=STATUS, kind="started", seq=None)
        for _ in range(count)
    ]
    return [event.pk for event in events]


def seqs_by_id(exam: Exam) -> list:
    return list(SessionEvent.objects.filter(exam_id=exam.pk).order_by("id").values_list("seq", flat=True))


def test_status_changes_are_numbered_after_the_request_and_sent_once_per_exam_and_window(
    redis_layer, settings, clients
):
    settings.MONITORING_NUMBERING_WINDOW_MS = 2000  # every change below lands in one window
    (first, first_learners), (second, second_learners) = running_exam("ea", 3), running_exam("eb", 2)
    assert bridge.late_numbering.wait_idle(10) and fanout.flush(10)
    before = {first.pk: last_seq(first), second.pk: last_seq(second)}

    def learners_stop() -> list[str]:
        statements = []
        for user, attempt_id in first_learners + second_learners:
            with CaptureQueriesContext(connection) as queries:
                response = clients.of(user).put(
                    f"/api/v1/exams/attempt/{attempt_id}", {"action": "stop"}, format="json"
                )
            assert response.status_code == 200, response.content
            statements += [query["sql"] for query in queries.captured_queries]
        assert None in seqs_by_id(first) and None in seqs_by_id(second)  # committed, waiting for the window
        assert bridge.late_numbering.wait_idle(10)
        return statements

    async def scenario():
        channel = await redis_layer.new_channel()
        for exam in (first, second):
            await redis_layer.group_add(fanout.exam_group(exam.pk), channel)
        statements = await sync_to_async(learners_stop, thread_sensitive=False)()
        messages = [await asyncio.wait_for(redis_layer.receive(channel), 5) for _ in range(2)]
        with pytest.raises(asyncio.TimeoutError):  # nothing sent twice
            await asyncio.wait_for(redis_layer.receive(channel), 0.5)
        return statements, messages

    statements, messages = asyncio.run(scenario())
    assert not [sql for sql in statements if any(name in sql.lower() for name in NUMBERING_STATEMENTS)]
    assert [message["type"] for message in messages] == ["monitor.events"] * 2  # an exam's window in one send
    assert all('"kind":"ready_to_submit"' in text for message in messages for _, text in message["events"])
    received = sorted(seq for message in messages for seq, _ in message["events"])
    expected = [
        *range(before[first.pk] + 1, before[first.pk] + 4),
        *range(before[second.pk] + 1, before[second.pk] + 3),
    ]
    assert received == sorted(expected)
    assert seqs_by_id(first) == list(range(1, last_seq(first) + 1))  # gapless, in commit order
    assert seqs_by_id(second) == list(range(1, last_seq(second) + 1))


def test_one_drain_numbers_every_exam_in_batches_and_in_commit_order(monkeypatch):
    monkeypatch.setattr(sequencer, "BATCH", 3)  # an exam with more pending than a batch takes several calls
    (busy, _), (quiet, _) = running_exam("busy", 1), running_exam("quiet", 1)
    sequencer.sequence_pending_many([busy.pk, quiet.pk])  # the sessions' own events
    numbered_before = {busy.pk: last_seq(busy), quiet.pk: last_seq(quiet)}
    busy_ids, quiet_ids = unnumbered(busy, 7), unnumbered(quiet, 2)

    numbered = sequencer.sequence_pending_many([quiet.pk, busy.pk, quiet.pk])

    assert [event.pk for event in numbered[busy.pk]] == busy_ids
    assert [event.seq for event in numbered[busy.pk]] == list(range(numbered_before[busy.pk] + 1, last_seq(busy) + 1))
    assert [event.pk for event in numbered[quiet.pk]] == quiet_ids
    assert [event.seq for event in numbered[quiet.pk]] == [numbered_before[quiet.pk] + 1, numbered_before[quiet.pk] + 2]
    assert seqs_by_id(busy) == list(range(1, last_seq(busy) + 1))
    assert sequencer.exams_with_pending() == []


@pytest.mark.usefixtures("row_locks")
def test_a_drain_waits_for_a_held_sequencer_and_numbers_only_what_the_holder_left():
    """The holder numbered the events it saw and still holds the exam's sequencer: the drain waits, then numbers
    only the event committed after the holder's read (a stale read would number the holder's events again)."""
    exam, _ = running_exam("held", 2)
    sequencer.sequence_pending_many([exam.pk])
    seen_by_holder = unnumbered(exam, 2)
    holding, release = threading.Event(), threading.Event()

    def holder():
        with transaction.atomic():  # claims the sequencer and numbers what it sees, then keeps the claim
            assert [event.pk for event in sequencer.sequence_pending(exam.pk, wait=True)[0]] == seen_by_holder
            holding.set()
            release.wait(10)
        connection.close()

    drained = []

    def drain():
        drained.append(sequencer.sequence_pending_many([exam.pk]))
        connection.close()

    holder_thread = threading.Thread(target=holder)
    holder_thread.start()
    assert holding.wait(10)
    later = unnumbered(exam, 1)  # committed after the holder's read
    drain_thread = threading.Thread(target=drain)
    drain_thread.start()
    drain_thread.join(0.5)
    assert drain_thread.is_alive(), "the drain did not wait for the held sequencer"
    release.set()
    holder_thread.join(10)
    drain_thread.join(10)
    assert [event.pk for event in drained[0][exam.pk]] == later
    assert seqs_by_id(exam) == list(range(1, last_seq(exam) + 1))
