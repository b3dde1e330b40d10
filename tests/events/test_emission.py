"""Exam attempt events: emitted once per real transition, only after commit, with the contract's payload."""

import pytest
from django.db import transaction
from opaque_keys.edx.keys import CourseKey, UsageKey
from openedx_events.learning.data import ExamAttemptData, UserData, UserPersonalData

from events.models import OutboxEvent
from exams.services.attempts import apply_action, create_attempt, reset_attempt
from exams.state_machine import Action, Actor
from tests.conftest import COURSE_ID
from tests.events.conftest import proctored_attempt_started, staff, submit

pytestmark = pytest.mark.django_db(transaction=True)


def user_data(user) -> UserData:
    return UserData(
        id=user.lms_user_id,
        is_active=user.is_active,
        pii=UserPersonalData(username=user.username, email=user.email, name=user.full_name),
    )


def test_submitted_event_has_the_contract_payload_and_the_learner_as_requester(captured, learner, proctored_exam):
    attempt = submit(proctored_attempt_started(learner, proctored_exam), learner)

    assert captured.types == ["submitted"]
    event_type, data, metadata = captured.events[0]
    assert event_type == "org.openedx.learning.exam.attempt.submitted.v1"
    assert data == ExamAttemptData(
        student_user=user_data(learner),
        course_key=CourseKey.from_string(COURSE_ID),
        usage_key=UsageKey.from_string(proctored_exam.content_id),
        exam_type="proctored",
        requesting_user=user_data(learner),
    )
    row = OutboxEvent.objects.get()
    assert (row.status, row.attempt_id, row.tries) == ("sent", attempt.pk, 1)
    assert metadata.id == row.id  # the stable id consumers deduplicate on
    assert metadata.time == attempt.modified
    assert metadata.source == "openedx/edx-exams/web"


def test_each_real_transition_emits_exactly_once(captured, learner, course_staff, proctored_exam):
    attempt = proctored_attempt_started(learner, proctored_exam)
    assert captured.events == []  # created / started emit nothing

    submit(attempt, learner)
    submit(attempt, learner)  # same status again: no transition, no event
    staff(attempt, Action.VERIFY, course_staff)
    staff(attempt, Action.VERIFY, course_staff)
    staff(attempt, Action.REJECT, course_staff)
    staff(attempt, Action.VERIFY, course_staff)

    assert captured.types == ["submitted", "verified", "rejected", "verified"]
    assert OutboxEvent.objects.filter(status="sent").count() == 4
    assert len({metadata.id for _, _, metadata in captured.events}) == 4
    staff_data = user_data(course_staff)
    assert [data.requesting_user for _, data, _ in captured.events[1:]] == [staff_data] * 3


def test_tool_review_and_learner_error_have_no_requesting_user(captured, learner, other_learner, proctored_exam):
    reviewed = submit(proctored_attempt_started(learner, proctored_exam), learner)
    apply_action(attempt_id=reviewed.pk, action=Action.REVIEW_PASSED, actor=Actor.TOOL)
    errored = create_attempt(user=other_learner, exam_id=proctored_exam.pk, start_clock=False)
    apply_action(attempt_id=errored.pk, action=Action.ERROR, actor=Actor.LEARNER, requesting_user=other_learner)

    assert captured.types == ["submitted", "verified", "errored"]
    assert captured.events[1][1].requesting_user is None
    assert captured.events[2][1].requesting_user is None
    assert captured.events[2][1].student_user.pii.username == "other_learner"


def test_timer_expiry_submits_with_the_learner_as_requester(captured, learner, timed_exam):
    attempt = create_attempt(user=learner, exam_id=timed_exam.pk, start_clock=True)
    apply_action(attempt_id=attempt.pk, action=Action.STOP, actor=Actor.LEARNER, requesting_user=learner)
    submit(attempt, learner)

    assert captured.types == ["submitted"]
    assert captured.events[0][1].exam_type == "timed"
    assert captured.events[0][1].requesting_user == user_data(learner)


def test_reset_event_names_the_resetting_staff(captured, learner, course_staff, proctored_exam):
    attempt = submit(proctored_attempt_started(learner, proctored_exam), learner)
    reset_attempt(attempt_id=attempt.pk, requesting_user=course_staff)

    assert captured.types == ["submitted", "reset"]
    assert captured.events[1][1].requesting_user == user_data(course_staff)
    assert captured.events[1][1].student_user == user_data(learner)


def test_nothing_is_recorded_or_sent_when_the_transaction_rolls_back(captured, learner, proctored_exam):
    attempt = proctored_attempt_started(learner, proctored_exam)

    with pytest.raises(RuntimeError), transaction.atomic():
        submit(attempt, learner)
        assert OutboxEvent.objects.count() == 1  # written in the same transaction as the status
        raise RuntimeError("the request failed after the status change")

    attempt.refresh_from_db()
    assert attempt.status == "started"
    assert OutboxEvent.objects.count() == 0
    assert captured.events == []


def test_event_is_published_only_after_commit(captured, learner, proctored_exam):
    attempt = proctored_attempt_started(learner, proctored_exam)

    with transaction.atomic():
        submit(attempt, learner)
        assert captured.events == []
        assert OutboxEvent.objects.get().status == "pending"

    assert captured.types == ["submitted"]
    assert OutboxEvent.objects.get().status == "sent"


def test_a_requester_without_lms_id_is_left_out_and_a_learner_without_one_is_dead(captured, learner, proctored_exam):
    learner.lms_user_id = None
    learner.save()
    attempt = submit(proctored_attempt_started(learner, proctored_exam), learner)

    row = OutboxEvent.objects.get(attempt_id=attempt.pk)
    assert row.status == "dead"
    assert "serialization" in row.last_error
    assert row.payload["requesting_user"] is None
    assert captured.events == []
