"""Studio's exam registration: sync a course's active exams with the published list (contract §3.4(1))."""

import hashlib
from contextlib import contextmanager

from django.db import connection, transaction
from django.utils import timezone

from exams import exam_types
from exams.exceptions import ExamsError
from exams.models import CourseExamConfiguration, Exam

UPDATABLE_FIELDS = ("exam_name", "time_limit_mins", "due_date", "hide_after_due", "is_active")


def _provider_for(course_config, exam_type: str):
    if course_config is None or not exam_types.EXAM_TYPES[exam_type].is_proctored:
        return None
    return course_config.provider


@contextmanager
def _course_lock(course_id: str):
    """Serialize registrations of one course, even before it has any row to lock.

    PostgreSQL: a transaction-scoped advisory lock. MySQL/MariaDB (no partial unique index there): a named lock held
    until the transaction below has committed. SQLite serializes writers by itself.
    """
    digest = hashlib.sha256(course_id.encode()).digest()
    if connection.vendor == "postgresql":
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [int.from_bytes(digest[:8], "big", signed=True)])
            yield
    elif connection.vendor == "mysql":
        name = f"exams:course:{digest.hex()[:40]}"
        with connection.cursor() as cursor:
            cursor.execute("SELECT GET_LOCK(%s, %s)", [name, 30])
            (acquired,) = cursor.fetchone()
        if acquired != 1:
            raise ExamsError("Another change to this course's exams is in progress, try again.")
        try:
            with transaction.atomic():
                yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute("SELECT RELEASE_LOCK(%s)", [name])
    else:
        with transaction.atomic():
            yield


def sync_course_exams(*, course_id: str, exams: list[dict]) -> None:
    """Update exams in place, replace those whose type changed, deactivate those not in `exams`."""
    with _course_lock(course_id):
        _sync_course_exams(course_id, exams)


def _sync_course_exams(course_id: str, exams: list[dict]) -> None:
    # No select_related: PostgreSQL refuses FOR UPDATE on the nullable side of an outer join.
    course_config = CourseExamConfiguration.objects.select_for_update().filter(course_id=course_id).first()
    active = {
        exam.content_id: exam for exam in Exam.objects.select_for_update().filter(course_id=course_id, is_active=True)
    }
    now = timezone.now()
    for item in exams:
        existing = active.get(item["content_id"])
        if existing is not None and existing.exam_type == item["exam_type"]:
            for field in UPDATABLE_FIELDS:
                setattr(existing, field, item[field])
            existing.save()
            continue
        if existing is not None:
            existing.is_active = False
            existing.save(update_fields=["is_active", "modified"])
        Exam.objects.create(
            course_id=course_id,
            content_id=item["content_id"],
            exam_type=item["exam_type"],
            provider=_provider_for(course_config, item["exam_type"]),
            **{field: item[field] for field in UPDATABLE_FIELDS},
        )
    published = {item["content_id"] for item in exams}
    stale = [exam.pk for content_id, exam in active.items() if content_id not in published]
    if stale:
        Exam.objects.filter(pk__in=stale).update(is_active=False, modified=now)
