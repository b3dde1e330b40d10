"""Row locks serialize concurrent updates (PostgreSQL and MariaDB; SQLite has no row locks)."""

import threading

import pytest

from exams import exceptions, signals
from exams import statuses as s
from exams.models import ExamAttempt
from exams.services.attempts import apply_action, create_attempt
from exams.state_machine import Action, Actor
from tests.exams.factories import attempt_in_status
from tests.threads import run_concurrently

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("row_locks")]


def test_concurrent_submits_emit_one_change(learner, timed_exam):
    attempt = attempt_in_status(learner, timed_exam, s.STARTED)
    changes = []
    lock = threading.Lock()

    def record(sender, **kwargs):
        with lock:
            changes.append(kwargs["to_status"])

    signals.attempt_status_changed.connect(record)
    try:
        results, errors = run_concurrently(
            8, lambda i: apply_action(attempt_id=attempt.pk, action=Action.SUBMIT, actor=Actor.LEARNER)
        )
    finally:
        signals.attempt_status_changed.disconnect(record)
    assert errors == []
    assert changes == [s.SUBMITTED]
    assert ExamAttempt.history.filter(id=attempt.pk, status=s.SUBMITTED).count() == 1


def test_two_interleaved_updates_serialize(learner, timed_exam):
    """stop and submit race: both succeed in some order, and the final status is submitted or refused cleanly."""
    attempt = attempt_in_status(learner, timed_exam, s.STARTED)
    actions = [Action.STOP, Action.SUBMIT]
    results, errors = run_concurrently(
        2, lambda i: apply_action(attempt_id=attempt.pk, action=actions[i], actor=Actor.LEARNER).status
    )
    attempt.refresh_from_db()
    history = list(ExamAttempt.history.filter(id=attempt.pk).order_by("history_id").values_list("status", flat=True))
    # Either stop then submit (both succeed) or submit then stop (stop refused on a submitted attempt).
    assert history in ([s.STARTED, s.READY_TO_SUBMIT, s.SUBMITTED], [s.STARTED, s.SUBMITTED])
    assert attempt.status == s.SUBMITTED
    assert len(results) + len(errors) == 2
    assert all(isinstance(error, exceptions.IllegalStatusTransition) for error in errors)


def test_only_one_running_attempt_per_user_across_exams(learner, timed_exam, proctored_exam):
    from exams.models import Exam

    exams = [timed_exam] + [
        Exam.objects.create(
            course_id=timed_exam.course_id,
            content_id=f"{timed_exam.content_id}{i}",
            exam_name=f"t{i}",
            exam_type="timed",
            time_limit_mins=30,
            is_active=True,
        )
        for i in range(5)
    ]
    attempts = [attempt_in_status(learner, exam, s.CREATED) for exam in exams]
    results, errors = run_concurrently(
        len(attempts), lambda i: apply_action(attempt_id=attempts[i].pk, action=Action.START, actor=Actor.LEARNER)
    )
    assert len(results) == 1
    assert all("another exam attempt is currently active" in str(error) for error in errors)
    assert ExamAttempt.objects.filter(user=learner, status=s.STARTED).count() == 1


def test_concurrent_creates_make_one_attempt(learner, timed_exam):
    results, errors = run_concurrently(
        6, lambda i: create_attempt(user=learner, exam_id=timed_exam.pk, start_clock=True)
    )
    assert len(results) == 1
    assert all(isinstance(error, exceptions.AttemptAlreadyExists) for error in errors)
    assert ExamAttempt.objects.filter(user=learner).count() == 1


def test_stop_and_start_through_the_api_never_deadlock(learner, timed_exam):
    """Regression: `start` locked the user before the attempt while `stop` held the attempt and needed a
    share lock on the user for the history row's foreign key at commit."""
    from rest_framework.test import APIClient

    from tests.conftest import auth_header

    attempt = attempt_in_status(learner, timed_exam, s.STARTED)
    header = auth_header(learner)
    statuses = []

    def alternate(i):
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=header)
        for n in range(6):
            action = ("stop", "start")[(i + n) % 2]
            response = client.put(f"/api/v1/exams/attempt/{attempt.pk}", {"action": action}, format="json")
            statuses.append(response.status_code)

    results, errors = run_concurrently(6, alternate)
    assert errors == []
    assert set(statuses) == {200}
