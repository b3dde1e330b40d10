"""Issue 17: a learner's stop and resume in one compare-and-set statement on PostgreSQL, same outcome as the
transactional path, and the transactional path whenever the one statement cannot decide alone."""

import pytest
from django.db import connection, transaction
from django.dispatch import receiver

from exams import statuses as s
from exams.api import attempt_status_changed
from exams.models import ExamAttempt
from exams.services import one_statement
from exams.services.attempts import act_on_attempt
from exams.services.transition_fields import TRANSITION_FIELDS
from exams.services.transition_sql import save_transition_if_unchanged
from monitoring import bridge
from monitoring.models import STATUS, SessionEvent
from monitoring.services import ensure_session
from tests.conftest import make_user
from tests.exams.factories import attempt_in_status
from tests.threads import run_concurrently

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("the one-statement path is PostgreSQL's: runs in the PostgreSQL pass of `make test`")


@pytest.fixture
def running(learner, timed_exam):
    attempt = attempt_in_status(learner, timed_exam, s.STARTED)
    ensure_session(attempt=attempt)
    return attempt


def history_of(attempt) -> list[tuple]:
    rows = ExamAttempt.history.filter(id=attempt.pk).order_by("history_id")
    return list(rows.values_list("status", "history_change_reason", "history_user_id"))


def status_events(attempt) -> list[tuple]:
    events = SessionEvent.objects.filter(session__attempt=attempt, type=STATUS).order_by("id")
    return list(events.values_list("kind", "seq", "actor_id", "data"))


def test_stop_and_resume_write_what_the_transactional_path_writes(learner, other_learner, timed_exam, running):
    other = attempt_in_status(other_learner, timed_exam, s.STARTED)
    ensure_session(attempt=other)
    for action, status in (("stop", s.READY_TO_SUBMIT), ("start", s.STARTED)):
        fast = one_statement.learner_action(attempt_id=running.pk, action=action, user=learner)
        assert fast is not None and fast.status == status
        with transaction.atomic():  # an open transaction: the usual path
            assert one_statement.learner_action(attempt_id=other.pk, action=action, user=other_learner) is None
            act_on_attempt(attempt_id=other.pk, action=action, user=other_learner)
    assert bridge.late_numbering.wait_idle(10)
    assert [row[:2] for row in history_of(running)][-2:] == [
        (s.READY_TO_SUBMIT, "learner:stop"),
        (s.STARTED, "learner:start"),
    ]
    assert [row[1] for row in history_of(other)][-2:] == ["learner:stop", "learner:start"]
    assert [row[2] for row in history_of(running)][-2:] == [learner.pk, learner.pk]
    fast_events, usual_events = status_events(running)[-2:], status_events(other)[-2:]
    assert [kind for kind, *_ in fast_events] == [kind for kind, *_ in usual_events] == [s.READY_TO_SUBMIT, s.STARTED]
    assert all(seq is not None for _, seq, _, _ in fast_events + usual_events), "every status event is numbered"
    assert [actor for *_, actor, _ in fast_events] == [learner.pk, learner.pk]
    assert [sorted(data) for *_, data in fast_events] == [sorted(data) for *_, data in usual_events]
    assert fast_events[0][3]["from"] == s.STARTED and fast_events[0][3]["action"] == "stop"
    stored = ExamAttempt.objects.get(pk=running.pk)
    assert (stored.status, stored.modified) == (s.STARTED, fast.modified)


def test_a_row_changed_since_the_read_is_not_written(learner, running):
    stale = ExamAttempt.objects.get(pk=running.pk)
    before = {name: getattr(stale, ExamAttempt._meta.get_field(name).attname) for name in TRANSITION_FIELDS}
    ExamAttempt.objects.filter(pk=running.pk).update(paused_seconds=7)  # someone else's write in between
    history = len(history_of(running))
    stale.status = s.READY_TO_SUBMIT
    written, parts = save_transition_if_unchanged(
        stale, before, TRANSITION_FIELDS, reason="learner:stop", history_user_id=learner.pk, parts=[]
    )
    assert (written, parts) == (False, [])
    stored = ExamAttempt.objects.get(pk=running.pk)
    assert (stored.status, stored.paused_seconds) == (s.STARTED, 7)
    assert len(history_of(running)) == history


def test_what_one_statement_cannot_decide_goes_the_transactional_way(learner, other_learner, timed_exam, running):
    assert one_statement.learner_action(attempt_id=running.pk, action="stop", user=other_learner) is None
    assert one_statement.learner_action(attempt_id=running.pk, action="verify", user=learner) is None
    assert one_statement.learner_action(attempt_id=running.pk, action=["stop"], user=learner) is None
    assert one_statement.learner_action(attempt_id=running.pk + 1000, action="stop", user=learner) is None
    created = attempt_in_status(make_user("fresh"), timed_exam, s.CREATED)
    assert one_statement.learner_action(attempt_id=created.pk, action="start", user=created.user) is None
    ExamAttempt.objects.filter(pk=running.pk).update(allowed_time_limit_mins=0)  # the clock ran out
    assert one_statement.learner_action(attempt_id=running.pk, action="stop", user=learner) is None
    assert ExamAttempt.objects.get(pk=running.pk).status == s.STARTED


def test_a_receiver_without_a_statement_part_sends_the_change_the_usual_way(learner, running):
    seen = []

    @receiver(attempt_status_changed, weak=False)
    def listener(sender, attempt, to_status, **kwargs):
        seen.append(to_status)

    try:
        assert one_statement.learner_action(attempt_id=running.pk, action="stop", user=learner) is None
        act_on_attempt(attempt_id=running.pk, action="stop", user=learner)
    finally:
        attempt_status_changed.disconnect(listener)
    assert seen == [s.READY_TO_SUBMIT]
    assert ExamAttempt.objects.get(pk=running.pk).status == s.READY_TO_SUBMIT


def test_concurrent_stops_and_resumes_keep_history_and_events_in_step(learner, running):
    """Eight writers toggle one attempt: each change is written once, with its history row and its event."""
    events_before, history_before = len(status_events(running)), len(history_of(running))

    def work(i):
        for action in ("stop", "start") * 3:
            act_on_attempt(attempt_id=running.pk, action=action, user=learner)

    _, errors = run_concurrently(8, work)
    assert errors == []
    assert bridge.late_numbering.wait_idle(10)
    changes = history_of(running)[history_before:]
    events = status_events(running)[events_before:]
    assert len(changes) == len(events) > 0
    statuses = [status for status, *_ in changes]
    assert all(a != b for a, b in zip(statuses, statuses[1:], strict=False)), "a change was written twice"
    assert sorted(kind for kind, *_ in events) == sorted(statuses), "each change has its one status event"
    seqs = [seq for _, seq, *_ in events]
    assert None not in seqs and len(set(seqs)) == len(seqs)
