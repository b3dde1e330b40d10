from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from simple_history.models import HistoricalRecords

from exams import statuses
from exams.models.base import TimeStampedModel
from exams.models.exams import Exam


class ExamAttempt(TimeStampedModel):
    """A learner's attempt at an exam. Only `exams.services.attempts` changes `status`."""

    # No single-column index on user: attempt_user_exam_idx, attempt_user_status_idx and unique_attempt_number all
    # lead with user_id and serve lookups by user (and MariaDB's foreign key). The history table keeps its own
    # user_id index (simple_history indexes every foreign key of the historical model).
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="exam_attempts", db_index=False
    )
    exam = models.ForeignKey(Exam, on_delete=models.CASCADE, related_name="attempts")
    attempt_number = models.PositiveIntegerField(default=1)
    status = models.CharField(max_length=64, choices=statuses.CHOICES, default=statuses.CREATED)
    start_time = models.DateTimeField(null=True, blank=True)
    end_time = models.DateTimeField(null=True, blank=True)
    allowed_time_limit_mins = models.IntegerField(null=True, blank=True)
    # Seconds the clock has been stopped by a proctor (ACS/monitoring pause), excluding a pause in progress.
    paused_seconds = models.PositiveIntegerField(default=0)
    paused_at = models.DateTimeField(null=True, blank=True)
    # Set when course staff reset the attempt: it stays as history and no longer counts as current.
    reset_at = models.DateTimeField(null=True, blank=True)
    reset_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "exam", "attempt_number"], name="unique_attempt_number"),
            # At most one running attempt per user (PostgreSQL, SQLite); MariaDB relies on the user row lock.
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(status__in=sorted(statuses.IN_PROGRESS), reset_at__isnull=True),
                name="one_in_progress_attempt_per_user",
            ),
        ]
        indexes = [
            models.Index(fields=["user", "exam", "reset_at"], name="attempt_user_exam_idx"),
            models.Index(fields=["user", "status"], name="attempt_user_status_idx"),
            models.Index(fields=["status"], name="attempt_status_idx"),
        ]

    def __str__(self) -> str:
        return f"attempt {self.pk} of {self.user} on exam {self.exam_id} ({self.status})"

    @property
    def is_paused(self) -> bool:
        return self.paused_at is not None


class StudentAllowance(TimeStampedModel):
    """Extra time for one learner on one exam: `ceil(time_limit × multiplier) + extra_time_mins`."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="allowances")
    exam = models.ForeignKey(Exam, on_delete=models.CASCADE, related_name="allowances")
    extra_time_mins = models.PositiveIntegerField(default=0)
    time_multiplier = models.DecimalField(
        max_digits=4, decimal_places=2, default=Decimal("1.00"), validators=[MinValueValidator(Decimal("1.00"))]
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "exam"], name="unique_allowance_per_user_exam")]

    def __str__(self) -> str:
        return f"{self.user} +{self.extra_time_mins} min ×{self.time_multiplier} on exam {self.exam_id}"
