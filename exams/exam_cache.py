"""A short-lived per-process cache of active exams for the endpoints the MFE polls.

Exams change only when Studio publishes, while every learner polls every minute: caching the active exam
for a content id for EXAM_CACHE_SECONDS (default 5) removes a join from each poll. Staleness is bounded
by that TTL; 0 disables the cache.
"""

import threading
import time

from django.conf import settings

from exams.models import Exam

_entries: dict[str, tuple[float, Exam | None]] = {}
_lock = threading.Lock()


def active_exam_for_content(content_id: str) -> Exam | None:
    ttl = settings.EXAM_CACHE_SECONDS
    now = time.monotonic()
    if ttl > 0:
        entry = _entries.get(content_id)
        if entry is not None and entry[0] > now:
            return entry[1]
    exam = Exam.objects.select_related("provider").filter(content_id=content_id, is_active=True).first()
    if ttl > 0:
        with _lock:
            if len(_entries) > 10_000:
                _entries.clear()
            _entries[content_id] = (now + ttl, exam)
    return exam


def exam_by_id(exam_id: int) -> Exam | None:
    """An exam by primary key (attempts keep pointing at their exam row), cached like the above."""
    ttl = settings.EXAM_CACHE_SECONDS
    key = f"id:{exam_id}"
    now = time.monotonic()
    if ttl > 0:
        entry = _entries.get(key)
        if entry is not None and entry[0] > now:
            return entry[1]
    exam = Exam.objects.select_related("provider").filter(pk=exam_id).first()
    if ttl > 0:
        with _lock:
            _entries[key] = (now + ttl, exam)
    return exam


def clear() -> None:
    with _lock:
        _entries.clear()
