"""Issue 17: with the Redis channel layer a learner's status change neither numbers nor sends its event; the
process's numbering thread gathers the exams of a window and numbers them together
(`monitoring.late_numbering`, `monitoring.sequencer.sequence_pending_many`)."""

import asyncio
import itertools
import threading

import pytest
from asgiref.sync import sync_to_async
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from monitoring import bridge, fanout, sequencer
from monitoring.demo import seed_live_exam
from monitoring.models import STATUS, ExamStream, SessionEvent

pytestmark = pytest.mark.django_db(transaction=True)

NUMBERING_STATEMENTS = ("number_pending", "monitoring_examsequencer", "monitoring_examstream")


LMS_USER_IDS = itertools.count(700_000, 100)


def running_exam(name: str, learners: int) -> dict:
    """An exam whose learners each run an attempt with its proctoring session (`monitoring.demo`)."""
    course_id = f"course-v1:edX+{name}+2026"
    return seed_live_exam(course_id=course_id, name=name, learners=learners, lms_user_id_base=next(LMS_USER_IDS))


def last_seq(exam_id: int) -> int:
    return ExamStream.objects.get(exam_id=exam_id).last_seq


def unnumbered(exam: dict, count: int) -> list[int]:
    """`count` status events of the exam's first session committed without a seq (as a status change leaves them)."""
    session_id = exam["learners"][0]["session_id"]
    events = [
        SessionEvent.objects.create(exam_id=exam["exam_id"], session_id=session_id, type=STATUS, kind="started")
        for _ in range(count)
    ]
    return [event.pk for event in events]


def seqs_by_id(exam_id: int) -> list:
    return list(SessionEvent.objects.filter(exam_id=exam_id).order_by("id").values_list("seq", flat=True))


def test_status_changes_are_numbered_after_the_request_and_sent_once_per_exam_and_window(redis_layer, settings):
    if connection.vendor == "sqlite":
        pytest.skip("SQLite numbers in the request (one writer at a time): runs in the PostgreSQL and MariaDB passes")
    settings.MONITORING_NUMBERING_WINDOW_MS = 2000  # every change below lands in one window
    first, second = running_exam("ea", 3), running_exam("eb", 2)
    exam_ids = [first["exam_id"], second["exam_id"]]
    assert bridge.late_numbering.wait_idle(10) and fanout.flush(10)
    before = {exam_id: last_seq(exam_id) for exam_id in exam_ids}

    def learners_stop() -> list[str]:
        statements = []
        for learner in first["learners"] + second["learners"]:
            client = APIClient(HTTP_AUTHORIZATION=f"JWT {learner['token']}")
            with CaptureQueriesContext(connection) as queries:
                url = f"/api/v1/exams/attempt/{learner['attempt_id']}"
                response = client.put(url, {"action": "stop"}, format="json")
            assert response.status_code == 200, response.content
            statements += [query["sql"] for query in queries.captured_queries]
        assert all(None in seqs_by_id(exam_id) for exam_id in exam_ids)  # committed, waiting for the window
        assert bridge.late_numbering.wait_idle(10)
        return statements

    async def scenario():
        channel = await redis_layer.new_channel()
        for exam_id in exam_ids:
            await redis_layer.group_add(fanout.exam_group(exam_id), channel)
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
    stops = {first["exam_id"]: 3, second["exam_id"]: 2}
    assert received == sorted(seq for exam_id in exam_ids for seq in range(before[exam_id] + 1, last_seq(exam_id) + 1))
    assert {exam_id: last_seq(exam_id) - before[exam_id] for exam_id in exam_ids} == stops
    for exam_id in exam_ids:
        assert seqs_by_id(exam_id) == list(range(1, last_seq(exam_id) + 1))  # gapless, in commit order


def test_one_drain_numbers_every_exam_in_batches_and_in_commit_order(monkeypatch):
    monkeypatch.setattr(sequencer, "BATCH", 3)  # an exam with more pending than a batch takes several calls
    busy, quiet = running_exam("busy", 1), running_exam("quiet", 1)
    busy_id, quiet_id = busy["exam_id"], quiet["exam_id"]
    sequencer.sequence_pending_many([busy_id, quiet_id])  # the sessions' own events
    before = {busy_id: last_seq(busy_id), quiet_id: last_seq(quiet_id)}
    busy_events, quiet_events = unnumbered(busy, 7), unnumbered(quiet, 2)

    numbered = sequencer.sequence_pending_many([quiet_id, busy_id, quiet_id])

    assert [event.pk for event in numbered[busy_id]] == busy_events
    assert [event.seq for event in numbered[busy_id]] == list(range(before[busy_id] + 1, before[busy_id] + 8))
    assert [event.pk for event in numbered[quiet_id]] == quiet_events
    assert [event.seq for event in numbered[quiet_id]] == [before[quiet_id] + 1, before[quiet_id] + 2]
    assert seqs_by_id(busy_id) == list(range(1, last_seq(busy_id) + 1))
    assert sequencer.exams_with_pending() == []


@pytest.mark.usefixtures("row_locks")
def test_a_drain_waits_for_a_held_sequencer_and_numbers_only_what_the_holder_left():
    """The holder numbered the events it saw and still holds the exam's sequencer: the drain waits, then numbers
    only the event committed after the holder's read (a stale read would number the holder's events again)."""
    exam = running_exam("held", 2)
    exam_id = exam["exam_id"]
    sequencer.sequence_pending_many([exam_id])
    seen_by_holder = unnumbered(exam, 2)
    holding, release = threading.Event(), threading.Event()

    def holder():
        with transaction.atomic():  # claims the sequencer and numbers what it sees, then keeps the claim
            assert [event.pk for event in sequencer.sequence_pending(exam_id, wait=True)[0]] == seen_by_holder
            holding.set()
            release.wait(10)
        connection.close()

    drained = []

    def drain():
        drained.append(sequencer.sequence_pending_many([exam_id]))
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
    assert [event.pk for event in drained[0][exam_id]] == later
    assert seqs_by_id(exam_id) == list(range(1, last_seq(exam_id) + 1))
