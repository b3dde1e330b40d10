"""Assertions shared by the ACS error tests."""

from exams.models import AttemptReview, ExamAttempt


def assert_nothing_changed(attempt, status="started"):
    fresh = ExamAttempt.objects.get(pk=attempt.pk)
    assert fresh.status == status and not fresh.is_paused and fresh.allowed_time_limit_mins == 60
    assert AttemptReview.objects.count() == 0
