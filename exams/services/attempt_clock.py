"""Exam clock control by proctors and vendors: pause, resume, extra time (no status change)."""

import math

from django.db import transaction
from django.utils import timezone

from exams import exceptions, signals
from exams import statuses as s
from exams.models import ExamAttempt, User
from exams.services.attempts import _lock_attempt
from exams.services.transition_fields import finish_pause


def clock_can_change(status: str) -> bool:
    """Pause, resume and extra time apply to running attempts only."""
    return status in s.IN_PROGRESS


def _lock_running(attempt_id: int) -> ExamAttempt:
    attempt = _lock_attempt(attempt_id)
    if not clock_can_change(attempt.status):
        raise exceptions.IllegalStatusTransition(
            f'The clock of attempt_id={attempt_id} cannot change in status "{attempt.status}".'
        )
    return attempt


def set_clock_paused(*, attempt_id: int, paused: bool, requesting_user: User | None = None) -> ExamAttempt:
    """Stop or restart the exam clock; paused time does not count against the learner. Idempotent."""
    with transaction.atomic():
        attempt = _lock_running(attempt_id)
        if paused == attempt.is_paused:
            return attempt
        now = timezone.now()
        if paused:
            attempt.paused_at = now
        else:
            finish_pause(attempt, now)
        attempt._change_reason = "pause" if paused else "resume"
        attempt.save(update_fields=["paused_at", "paused_seconds", "modified"])
        signals.attempt_clock_changed.send(
            sender=ExamAttempt, attempt=attempt, paused=paused, requesting_user=requesting_user
        )
    return attempt


def add_extra_time(*, attempt_id: int, seconds: int, requesting_user: User | None = None) -> ExamAttempt:
    """Extend a running attempt's allowed time (rounded up to whole minutes, as the field stores)."""
    if seconds <= 0:
        raise exceptions.ExamsError("extra time must be a positive number of seconds.")
    with transaction.atomic():
        attempt = _lock_running(attempt_id)
        attempt.allowed_time_limit_mins = (attempt.allowed_time_limit_mins or 0) + math.ceil(seconds / 60)
        attempt._change_reason = f"extra_time:{seconds}"
        attempt.save(update_fields=["allowed_time_limit_mins", "modified"])
        signals.attempt_clock_changed.send(
            sender=ExamAttempt, attempt=attempt, paused=attempt.is_paused, requesting_user=requesting_user
        )
    return attempt
