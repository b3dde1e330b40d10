"""A short-lived per-process cache of exams for the endpoints the MFE polls and for status updates.

Exams change only when Studio publishes, while every learner polls every minute: caching an exam for
EXAM_CACHE_SECONDS (default 5) removes a join or a query from each poll and each update. Staleness is
bounded by that TTL; 0 disables the cache. Each worker reloads every exam it serves once per TTL, so a reload is
a prepared plain-SQL read (the ORM's query compilation cost twice a whole poll: `bench.instructions`), and the
exam's provider comes from its own cache of the same TTL (a handful of rows shared by every exam).
"""

from functools import cache

from exams.keys import course_of_usage_key
from exams.models import Exam, ExamAttempt, ProctoringProvider
from exams_service import rows
from exams_service.ttl_cache import TTLCache

_exams: TTLCache[Exam] = TTLCache("EXAM_CACHE_SECONDS")
_providers: TTLCache[ProctoringProvider] = TTLCache("EXAM_CACHE_SECONDS")


def active_exam_for_content(content_id: str) -> Exam | None:
    """The active exam at `content_id` in the course its usage key names (old i4x keys: newest row)."""
    return _exams.get(f"content:{content_id}", lambda: _active_exam_for_content(content_id))


def _active_exam_for_content(content_id: str) -> Exam | None:
    course_id = course_of_usage_key(content_id)
    db = rows.default_connection()
    if course_id is None:
        sql, params = _exam_sql(db.vendor, "e.content_id = %s AND e.is_active = %s"), [content_id, True]
    else:
        sql = _exam_sql(db.vendor, "e.content_id = %s AND e.is_active = %s AND e.course_id = %s")
        params = [content_id, True, course_id]
    return _with_provider(rows.fetch_one(Exam, sql, params, db=db))


def exam_by_id(exam_id: int) -> Exam | None:
    """An exam by primary key (attempts keep pointing at their exam row)."""
    return _exams.get(f"id:{exam_id}", lambda: _exam_by_id(exam_id))


def _exam_by_id(exam_id: int) -> Exam | None:
    db = rows.default_connection()
    return _with_provider(rows.fetch_one(Exam, _exam_sql(db.vendor, "e.id = %s"), [exam_id], db=db))


@cache
def _exam_sql(vendor: str, where: str) -> str:
    """The newest exam row matching `where` (conditions on the table's alias `e`)."""
    table = rows.default_connection().ops.quote_name(Exam._meta.db_table)
    return f"SELECT {rows.select_list(Exam, 'e')} FROM {table} e WHERE {where} ORDER BY e.id DESC LIMIT 1"


def _with_provider(exam: Exam | None) -> Exam | None:
    """The exam with its provider loaded, as `select_related("provider")` leaves it."""
    if exam is not None:
        provider_id = exam.provider_id
        provider = None
        if provider_id is not None:
            provider = _providers.get(provider_id, lambda: ProctoringProvider.objects.filter(pk=provider_id).first())
        Exam.provider.field.set_cached_value(exam, provider)
    return exam


def attach(attempt: ExamAttempt, exam: Exam | None) -> None:
    """`attempt.exam = exam`. The exam the attempt points at is cached as the ORM caches a loaded relation: the
    descriptor's type and router checks would cost more, on every poll, than the read the cache saved."""
    if exam is not None and exam.pk == attempt.exam_id:
        ExamAttempt.exam.field.set_cached_value(attempt, exam)
    else:
        attempt.exam = exam


def clear() -> None:
    _exams.clear()
    _providers.clear()
