"""Studio's exam registration: sync a course's active exams with the published list (contract §3.4(1))."""

from django.db import transaction
from django.utils import timezone

from exams import exam_types
from exams.models import CourseExamConfiguration, Exam

UPDATABLE_FIELDS = ("exam_name", "time_limit_mins", "due_date", "hide_after_due", "is_active")


def _provider_for(course_config, exam_type: str):
    if course_config is None or not exam_types.EXAM_TYPES[exam_type].is_proctored:
        return None
    return course_config.provider


@transaction.atomic
def sync_course_exams(*, course_id: str, exams: list[dict]) -> None:
    """Update exams in place, replace those whose type changed, deactivate those not in `exams`."""
    # Lock the config row alone: FOR UPDATE cannot join the nullable provider on PostgreSQL.
    course_config = CourseExamConfiguration.objects.select_for_update().filter(course_id=course_id).first()
    active = {exam.content_id: exam for exam in Exam.objects.select_for_update().filter(course_id=course_id, is_active=True)}
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
