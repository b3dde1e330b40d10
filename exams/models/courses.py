from decimal import Decimal

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from exams.models.base import TimeStampedModel


class CourseStaffRole(TimeStampedModel):
    """A course team role replicated from the LMS; any role makes the user course staff."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="course_staff_roles")
    course_id = models.CharField(max_length=255, db_index=True)
    role = models.CharField(max_length=255, null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "course_id", "role"], name="unique_course_staff_role")]

    def __str__(self) -> str:
        return f"{self.user} {self.role or '-'} in {self.course_id}"


class ProctoringProvider(TimeStampedModel):
    """A proctoring vendor registered by an operator; `name` is what clients send as `provider`."""

    name = models.CharField(max_length=255, unique=True)
    verbose_name = models.CharField(max_length=255, db_index=True)
    lti_configuration_id = models.CharField(max_length=255, db_index=True, blank=True, default="")
    org_key = models.CharField(max_length=255, null=True, blank=True)
    tech_support_phone = models.CharField(max_length=255, null=True, blank=True)
    tech_support_email = models.CharField(max_length=255, null=True, blank=True)
    tech_support_url = models.URLField(max_length=255, null=True, blank=True)
    review_severity_threshold = models.DecimalField(
        max_digits=3,
        decimal_places=2,
        default=Decimal("0.25"),
        help_text="ACS terminate with reason code 1 and severity above this needs a second review.",
    )

    def __str__(self) -> str:
        return self.verbose_name or self.name


class CourseExamConfiguration(TimeStampedModel):
    """Per-course proctoring setup. A NULL provider means the course is still on edx-proctoring."""

    course_id = models.CharField(max_length=255, unique=True)
    provider = models.ForeignKey(ProctoringProvider, null=True, blank=True, on_delete=models.PROTECT)
    allow_opt_out = models.BooleanField(default=False)
    escalation_email = models.EmailField(null=True, blank=True)
    history = HistoricalRecords()

    def __str__(self) -> str:
        return f"{self.course_id} → {self.provider or 'edx-proctoring'}"
