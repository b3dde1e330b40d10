import uuid

from django.db import models
from django.utils import timezone


class OutboxEvent(models.Model):
    """An exam attempt event written in the attempt's transaction and published after commit.

    `id` is also the event's `id` metadata, so consumers can drop duplicates of an at-least-once delivery.
    `payload` is the ExamAttemptData as it was at the transition (JSON, see `events.payloads`).
    """

    class Status(models.TextChoices):
        PENDING = "pending"
        SENT = "sent"
        DEAD = "dead"  # cannot be serialized (e.g. a learner without an LMS user id); never retried

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    event_type = models.CharField(max_length=255, db_index=True)
    payload = models.JSONField()
    occurred_at = models.DateTimeField(help_text="The event's `time` metadata: when the transition happened.")
    attempt_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    tries = models.PositiveIntegerField(default=0)
    replays = models.PositiveIntegerField(
        default=0, help_text="Operator replays so far; with the id it names a delivery the bus takes once."
    )
    next_try_at = models.DateTimeField(default=timezone.now)
    last_error = models.TextField(blank=True, default="")
    created = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created"]
        indexes = [models.Index(fields=["status", "next_try_at"], name="outbox_due_idx")]

    def __str__(self) -> str:
        return f"{self.event_type} {self.id} ({self.status})"
