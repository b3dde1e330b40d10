"""Reset the demo: the demo users' open attempts in the demo course become history, as a staff reset does."""

from exams.api import ExamAttempt, User, reset_attempt
from exams.services.demo_data import DEMO_COURSE_ID, DEMO_USERS


def reset_demo() -> int:
    """Reset every attempt of a demo user in the demo course that is not reset yet; returns how many."""
    admin = User.objects.get(username="admin")
    attempt_ids = ExamAttempt.objects.filter(
        exam__course_id=DEMO_COURSE_ID, user__username__in=list(DEMO_USERS), reset_at__isnull=True
    ).values_list("pk", flat=True)
    attempt_ids = list(attempt_ids)
    for attempt_id in attempt_ids:
        reset_attempt(attempt_id=attempt_id, requesting_user=admin)
    return len(attempt_ids)
