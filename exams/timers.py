"""Exam clock arithmetic: allowed minutes at start, deadline, remaining time (pauses excluded)."""

import math
from datetime import datetime, timedelta

from exams.models import ExamAttempt, StudentAllowance


def allowed_minutes_at_start(*, time_limit_mins: int, allowance: StudentAllowance | None, due_date, now) -> int:
    """Time limit × multiplier + extra minutes, capped so the attempt cannot run past the due date."""
    minutes = time_limit_mins
    if allowance is not None:
        minutes = math.ceil(time_limit_mins * allowance.time_multiplier) + allowance.extra_time_mins
    if due_date is not None and now + timedelta(minutes=minutes) > due_date:
        minutes = max(int((due_date - now).total_seconds() / 60), 0)
    return minutes


def deadline(attempt: ExamAttempt, now: datetime) -> datetime | None:
    """When the attempt's time runs out; a paused attempt's deadline moves with the clock."""
    if attempt.start_time is None or attempt.allowed_time_limit_mins is None:
        return None
    paused = timedelta(seconds=attempt.paused_seconds)
    if attempt.paused_at is not None:
        paused += max(now - attempt.paused_at, timedelta(0))
    return attempt.start_time + timedelta(minutes=attempt.allowed_time_limit_mins) + paused


def time_remaining_seconds(attempt: ExamAttempt, now: datetime) -> float:
    """Seconds left on a running attempt's clock; 0 for any attempt that is not running."""
    if attempt.status not in ("started", "ready_to_submit"):
        return 0
    end = deadline(attempt, now)
    if end is None:
        return 0
    return max((end - now).total_seconds(), 0)


def is_time_up(attempt: ExamAttempt, now: datetime) -> bool:
    return attempt.status in ("started", "ready_to_submit") and time_remaining_seconds(attempt, now) <= 0
