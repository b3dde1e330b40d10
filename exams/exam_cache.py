"""A short-lived per-process cache of exams for the endpoints the MFE polls and for status updates.

Exams change only when Studio publishes, while every learner polls every minute: caching an exam for
EXAM_CACHE_SECONDS (default 5) removes a join or a query from each poll and each update. Staleness is
bounded by that TTL; 0 disables the cache.
"""

from exams.keys import course_of_usage_key
from exams.models import Exam
from exams_service.ttl_cache import TTLCache

_exams: TTLCache[Exam] = TTLCache("EXAM_CACHE_SECONDS")


def active_exam_for_content(content_id: str) -> Exam | None:
    """The active exam at `content_id` in the course its usage key names (old i4x keys: newest row)."""
    return _exams.get(f"content:{content_id}", lambda: _active_exam_for_content(content_id))


def _active_exam_for_content(content_id: str) -> Exam | None:
    exams = Exam.objects.select_related("provider").filter(content_id=content_id, is_active=True)
    course_id = course_of_usage_key(content_id)
    if course_id is not None:
        exams = exams.filter(course_id=course_id)
    return exams.order_by("-pk").first()


def exam_by_id(exam_id: int) -> Exam | None:
    """An exam by primary key (attempts keep pointing at their exam row)."""
    return _exams.get(f"id:{exam_id}", lambda: Exam.objects.select_related("provider").filter(pk=exam_id).first())


def clear() -> None:
    _exams.clear()
