import uuid

from django.db import models
from simple_history.models import HistoricalRecords

from exams import exam_types
from exams.models.base import TimeStampedModel
from exams.models.courses import ProctoringProvider


def new_resource_id() -> str:
    return str(uuid.uuid4())


class Exam(TimeStampedModel):
    """A timed or proctored subsection pushed by Studio. Changing its type or provider creates a new row."""

    resource_id = models.CharField(max_length=255, db_index=True, default=new_resource_id)
    course_id = models.CharField(max_length=255, db_index=True)
    content_id = models.CharField(max_length=255, db_index=True)
    provider = models.ForeignKey(ProctoringProvider, null=True, blank=True, on_delete=models.PROTECT)
    exam_name = models.TextField()
    exam_type = models.CharField(max_length=255, choices=exam_types.CHOICES, db_index=True)
    time_limit_mins = models.PositiveIntegerField()
    due_date = models.DateTimeField(null=True, blank=True)
    hide_after_due = models.BooleanField(default=False)
    is_active = models.BooleanField(default=False)
    history = HistoricalRecords()

    class Meta:
        constraints = [
            # Partial unique index where supported (PostgreSQL, SQLite); the sync service enforces it everywhere.
            models.UniqueConstraint(
                fields=["course_id", "content_id"],
                condition=models.Q(is_active=True),
                name="unique_active_exam_per_content",
            )
        ]
        indexes = [models.Index(fields=["content_id", "is_active"], name="exam_content_active_idx")]

    def __str__(self) -> str:
        return f"{self.exam_name} ({self.exam_type}, {self.content_id})"

    @property
    def type_info(self) -> exam_types.ExamType:
        return exam_types.EXAM_TYPES[self.exam_type]
