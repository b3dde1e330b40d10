"""A short-lived per-process cache of exams for the endpoints the MFE polls and for status updates.

Exams change only when Studio publishes, while every learner polls every minute: caching an exam for
EXAM_CACHE_SECONDS (default 5) removes a join or a query from each poll and each update. Staleness is
bounded by that TTL; 0 disables the cache.
"""

import threading
import time
from collections.abc import Callable

from django.conf import settings

from exams.models import Exam

MAX_ENTRIES = 10_000

_entries: dict[str, tuple[float, Exam | None]] = {}
_lock = threading.Lock()


def _cached(key: str, load: Callable[[], Exam | None]) -> Exam | None:
    ttl = settings.EXAM_CACHE_SECONDS
    now = time.monotonic()
    if ttl > 0:
        entry = _entries.get(key)
        if entry is not None and entry[0] > now:
            return entry[1]
    exam = load()
    if ttl > 0:
        with _lock:
            if len(_entries) > MAX_ENTRIES:
                _entries.clear()
            _entries[key] = (now + ttl, exam)
    return exam


def active_exam_for_content(content_id: str) -> Exam | None:
    return _cached(
        f"content:{content_id}",
        lambda: Exam.objects.select_related("provider").filter(content_id=content_id, is_active=True).first(),
    )


def exam_by_id(exam_id: int) -> Exam | None:
    """An exam by primary key (attempts keep pointing at their exam row)."""
    return _cached(f"id:{exam_id}", lambda: Exam.objects.select_related("provider").filter(pk=exam_id).first())


def clear() -> None:
    with _lock:
        _entries.clear()
