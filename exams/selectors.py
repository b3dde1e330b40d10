"""Read queries of the exams app."""

from django.db.models import Q, QuerySet

from exams.models import CourseExamConfiguration, CourseStaffRole, Exam, ProctoringProvider


def is_course_staff(user, course_id: str) -> bool:
    """Global staff, or any CourseStaffRole in the course."""
    if not user.is_authenticated:
        return False
    return user.is_staff or CourseStaffRole.objects.filter(user=user, course_id=course_id).exists()


def active_course_exams(course_id: str) -> QuerySet[Exam]:
    return Exam.objects.filter(course_id=course_id, is_active=True).order_by("id")


def course_exam_configuration(course_id: str) -> CourseExamConfiguration | None:
    return CourseExamConfiguration.objects.select_related("provider").filter(course_id=course_id).first()


def course_uses_this_service(course_id: str) -> bool:
    """A course belongs here when it has a configuration with a provider; else it is edx-proctoring's."""
    return CourseExamConfiguration.objects.filter(course_id=course_id, provider__isnull=False).exists()


def providers_for_org(org: str | None) -> QuerySet[ProctoringProvider]:
    providers = ProctoringProvider.objects.order_by("name")
    if org:
        providers = providers.filter(Q(org_key=org) | Q(org_key__isnull=True))
    return providers
