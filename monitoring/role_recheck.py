"""Is the proctor behind a dashboard socket still course staff? Re-checked per command, cached for seconds.

The role is checked at connect; a socket can live for hours, so every command asks again through a short
per-process cache (MONITORING_ROLE_RECHECK_SECONDS) rather than trusting the answer for the socket's life.
"""

from exams.api import is_course_staff
from exams_service.ttl_cache import TTLCache
from monitoring import selectors

_answers = TTLCache("MONITORING_ROLE_RECHECK_SECONDS", max_entries=10_000)
REVOKED_DETAIL = "You are no longer course staff of this exam's course."


def still_course_staff(user, exam_id: int) -> bool:
    def load() -> bool:
        course_id = selectors.exam_course_id(exam_id)
        return bool(user.is_active and course_id is not None and is_course_staff(user, course_id))

    return _answers.get((user.pk, exam_id), load)
