"""Course proctoring configuration (contract §1.7, §3.4(4))."""

from django.db import transaction

from exams import exam_types
from exams.models import CourseExamConfiguration, Exam, ProctoringProvider

PROCTORED_TYPES = [name for name, info in exam_types.EXAM_TYPES.items() if info.is_proctored]


def _move_proctored_exams_to(course_id: str, provider: ProctoringProvider | None) -> None:
    """Deactivate each active proctored-ish exam and insert an identical copy on the new provider.

    Unlike the reference, timed exams are left alone: they never have a provider.
    """
    for exam in Exam.objects.select_for_update().filter(
        course_id=course_id, is_active=True, exam_type__in=PROCTORED_TYPES
    ):
        exam.is_active = False
        exam.save(update_fields=["is_active", "modified"])
        exam.pk = None
        exam.id = None
        exam._state.adding = True
        exam.provider = provider
        exam.is_active = True
        exam.save()


@transaction.atomic
def update_course_exam_configuration(
    *, course_id: str, provider: ProctoringProvider | None, escalation_email: str | None
) -> CourseExamConfiguration:
    """Create or update the course config; a provider change re-creates the course's proctored exams."""
    if provider is None:
        escalation_email = None
    config, created = CourseExamConfiguration.objects.select_for_update().get_or_create(
        course_id=course_id, defaults={"provider": provider, "escalation_email": escalation_email}
    )
    if created:
        return config
    provider_changed = config.provider_id != (provider.pk if provider else None)
    config.provider = provider
    config.escalation_email = escalation_email
    config.save()
    if provider_changed:
        _move_proctored_exams_to(course_id, provider)
    return config
