from django.db import models

from exams.models.attempts import ExamAttempt
from exams.models.base import TimeStampedModel


class AttemptReview(TimeStampedModel):
    """One accepted proctoring review or control message (ACS) about an attempt."""

    attempt = models.ForeignKey(ExamAttempt, on_delete=models.CASCADE, related_name="reviews")
    action_type = models.CharField(max_length=64, db_index=True)
    incident_time = models.DateTimeField(null=True, blank=True)
    severity = models.DecimalField(max_digits=3, decimal_places=2, null=True, blank=True)
    reason_code = models.CharField(max_length=64, blank=True, default="")
    reason_message = models.TextField(blank=True, default="")
    extra_time_seconds = models.IntegerField(null=True, blank=True)
    resulting_status = models.CharField(max_length=64, blank=True, default="")
    raw_body = models.JSONField(default=dict)
    # Hash of the canonical request; a repeated request finds the first record instead of adding one.
    fingerprint = models.CharField(max_length=64)

    class Meta:
        ordering = ["created", "id"]
        constraints = [models.UniqueConstraint(fields=["attempt", "fingerprint"], name="unique_review_request")]

    def __str__(self) -> str:
        return f"{self.action_type} on attempt {self.attempt_id}"
