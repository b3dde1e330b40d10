"""Helpers that put attempts in a given state directly (test set-up only)."""

from datetime import timedelta

from django.utils import timezone

from exams import statuses as s
from exams.models import ExamAttempt


def attempt_in_status(user, exam, status: str, *, minutes_left: int = 30, **fields) -> ExamAttempt:
    """An attempt already in `status`; running and completed ones have a start time like real ones."""
    now = timezone.now()
    if status in s.IN_PROGRESS or status in s.COMPLETED:
        fields.setdefault("start_time", now - timedelta(minutes=5))
        fields.setdefault("allowed_time_limit_mins", 5 + minutes_left)
    if status in s.COMPLETED:
        fields.setdefault("end_time", now)
    last = ExamAttempt.objects.filter(user=user, exam=exam).count()
    return ExamAttempt.objects.create(user=user, exam=exam, status=status, attempt_number=last + 1, **fields)
