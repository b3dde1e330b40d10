"""Server-side timers with a frozen clock: allowed minutes, deadline, expiry on read and by the sweep."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from freezegun import freeze_time

from exams import statuses as s
from exams.models import StudentAllowance
from exams.services.attempt_clock import add_extra_time, set_clock_paused
from exams.services.attempts import apply_action, create_attempt
from exams.state_machine import Action, Actor
from exams.tasks import expire_attempt, sweep_expired_attempts
from tests.conftest import TIMED_CONTENT_ID

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
LATEST = f"/api/v1/exams/attempt/latest?content_id={TIMED_CONTENT_ID}"


def started_attempt(learner, exam):
    return create_attempt(user=learner, exam_id=exam.pk, start_clock=True)


@pytest.fixture
def exam(timed_exam):
    timed_exam.due_date = T0 + timedelta(days=7)
    timed_exam.save()
    return timed_exam


@pytest.mark.django_db
class TestAllowedMinutes:
    def test_time_limit_plus_allowance_with_multiplier(self, learner, exam):
        StudentAllowance.objects.create(user=learner, exam=exam, extra_time_mins=5, time_multiplier=Decimal("1.5"))
        with freeze_time(T0):
            attempt = started_attempt(learner, exam)
        assert attempt.allowed_time_limit_mins == 45 + 5

    def test_capped_by_the_due_date(self, learner, exam):
        exam.due_date = T0 + timedelta(minutes=10, seconds=30)
        exam.save()
        with freeze_time(T0):
            assert started_attempt(learner, exam).allowed_time_limit_mins == 10

    def test_fixed_at_first_start_and_kept_on_resume(self, learner, exam):
        with freeze_time(T0):
            attempt = started_attempt(learner, exam)
        StudentAllowance.objects.create(user=learner, exam=exam, extra_time_mins=60)
        with freeze_time(T0 + timedelta(minutes=5)):
            apply_action(attempt_id=attempt.pk, action=Action.STOP, actor=Actor.LEARNER)
            resumed = apply_action(attempt_id=attempt.pk, action=Action.START, actor=Actor.LEARNER)
        assert (resumed.start_time, resumed.allowed_time_limit_mins) == (T0, 30)


@pytest.mark.django_db
class TestExpiry:
    def test_time_remaining_counts_down(self, clients, learner, exam):
        with freeze_time(T0):
            started_attempt(learner, exam)
        with freeze_time(T0 + timedelta(minutes=29)):
            body = clients.of(learner).get(LATEST).json()
        assert body["attempt_status"] == s.STARTED
        assert body["time_remaining_seconds"] == pytest.approx(60)

    def test_read_after_the_deadline_submits_with_end_time_at_the_deadline(self, clients, learner, exam):
        with freeze_time(T0):
            attempt = started_attempt(learner, exam)
        with freeze_time(T0 + timedelta(hours=3)):
            body = clients.of(learner).get(LATEST).json()
        attempt.refresh_from_db()
        assert (body["attempt_status"], body["time_remaining_seconds"]) == (s.SUBMITTED, 0)
        assert attempt.end_time == T0 + timedelta(minutes=30)

    def test_sweep_submits_abandoned_attempts_nobody_reads(self, learner, other_learner, exam):
        with freeze_time(T0):
            abandoned = started_attempt(learner, exam)
        with freeze_time(T0 + timedelta(minutes=20)):
            fresh = started_attempt(other_learner, exam)
        with freeze_time(T0 + timedelta(minutes=31)):
            assert sweep_expired_attempts() == 1
        abandoned.refresh_from_db()
        fresh.refresh_from_db()
        assert (abandoned.status, abandoned.end_time) == (s.SUBMITTED, T0 + timedelta(minutes=30))
        assert fresh.status == s.STARTED

    def test_deadline_task_is_a_no_op_before_the_deadline(self, learner, exam):
        with freeze_time(T0):
            attempt = started_attempt(learner, exam)
        with freeze_time(T0 + timedelta(minutes=29)):
            expire_attempt(attempt.pk)
        attempt.refresh_from_db()
        assert attempt.status == s.STARTED
        with freeze_time(T0 + timedelta(minutes=30, seconds=1)):
            expire_attempt(attempt.pk)
        attempt.refresh_from_db()
        assert attempt.status == s.SUBMITTED


@pytest.mark.django_db
class TestPauseAndExtraTime:
    def test_paused_time_does_not_count(self, clients, learner, exam):
        with freeze_time(T0):
            attempt = started_attempt(learner, exam)
        with freeze_time(T0 + timedelta(minutes=10)):
            set_clock_paused(attempt_id=attempt.pk, paused=True)
        with freeze_time(T0 + timedelta(minutes=50)):
            body = clients.of(learner).get(LATEST).json()
            assert (body["attempt_status"], body["is_paused"]) == (s.STARTED, True)
            assert body["time_remaining_seconds"] == pytest.approx(20 * 60)
            set_clock_paused(attempt_id=attempt.pk, paused=False)
        with freeze_time(T0 + timedelta(minutes=69)):
            assert sweep_expired_attempts() == 0
        with freeze_time(T0 + timedelta(minutes=71)):
            assert sweep_expired_attempts() == 1
        attempt.refresh_from_db()
        assert attempt.end_time == T0 + timedelta(minutes=70)
        assert attempt.paused_seconds == 40 * 60

    def test_pause_is_idempotent_and_only_for_running_attempts(self, learner, exam):
        with freeze_time(T0):
            attempt = started_attempt(learner, exam)
            set_clock_paused(attempt_id=attempt.pk, paused=True)
        with freeze_time(T0 + timedelta(minutes=5)):
            assert set_clock_paused(attempt_id=attempt.pk, paused=True).paused_at == T0
            apply_action(attempt_id=attempt.pk, action=Action.SUBMIT, actor=Actor.LEARNER)
        attempt.refresh_from_db()
        assert (attempt.paused_at, attempt.paused_seconds) == (None, 300)
        from exams.exceptions import IllegalStatusTransition

        with pytest.raises(IllegalStatusTransition):
            set_clock_paused(attempt_id=attempt.pk, paused=False)

    def test_extra_time_extends_the_deadline(self, learner, exam):
        with freeze_time(T0):
            attempt = started_attempt(learner, exam)
            add_extra_time(attempt_id=attempt.pk, seconds=90)
        attempt.refresh_from_db()
        assert attempt.allowed_time_limit_mins == 32
