"""Live proctoring sessions: one per attempt, an opaque UUID, and a per-exam sequenced event log."""

import uuid

from django.conf import settings
from django.db import models

ONLINE, STALE, OFFLINE = "online", "stale", "offline"
PRESENCE_CHOICES = [(state, state) for state in (ONLINE, STALE, OFFLINE)]

ANOMALY, PRESENCE, STATUS, CLOCK, COMMAND = "anomaly", "presence", "status", "clock", "command"
RECEIPT = "receipt"  # what became of a proctor command: kind delivered / acknowledged / failed
EVENT_TYPES = [(name, name) for name in (ANOMALY, PRESENCE, STATUS, CLOCK, COMMAND, RECEIPT)]


class ProctoringSession(models.Model):
    """The monitoring side of an attempt. `id` is the only address clients see (never the attempt id)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    attempt = models.OneToOneField("exams.ExamAttempt", on_delete=models.CASCADE, related_name="proctoring_session")
    exam = models.ForeignKey("exams.Exam", on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    presence = models.CharField(max_length=16, choices=PRESENCE_CHOICES, default=OFFLINE)
    presence_changed = models.DateTimeField(auto_now_add=True)
    # Heartbeats were lost while the attempt was running: for review, the attempt itself is not failed.
    flagged = models.BooleanField(default=False)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["exam", "presence"], name="mon_session_exam_presence_idx")]

    def __str__(self) -> str:
        return f"session {self.id} (attempt {self.attempt_id}, {self.presence})"


class ExamStream(models.Model):
    """The per-exam sequence counter: dashboards see every event of an exam numbered 1, 2, 3... without gaps."""

    exam = models.OneToOneField("exams.Exam", on_delete=models.CASCADE, primary_key=True, related_name="+")
    last_seq = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"stream of exam {self.exam_id} at {self.last_seq}"


class ExamSequencer(models.Model):
    """Held by whoever numbers the exam's pending status events; no request waits for it (monitoring/sequencer.py)."""

    exam = models.OneToOneField("exams.Exam", on_delete=models.CASCADE, primary_key=True, related_name="+")

    def __str__(self) -> str:
        return f"sequencer of exam {self.exam_id}"


class SessionEvent(models.Model):
    """One entry of a session's event log: anomaly, presence, status or clock change, command, command receipt."""

    # No single-column indexes on exam/session: mon_event_exam_seq_unique (exam, seq) serves lookups by exam, and
    # mon_event_client_seq_unique (session, client_seq) / mon_event_session_seq_idx (session, seq) by session
    # (MariaDB's foreign keys use them too): two indexes fewer to maintain on every event insert and seq update.
    exam = models.ForeignKey("exams.Exam", on_delete=models.CASCADE, related_name="+", db_index=False)
    session = models.ForeignKey(ProctoringSession, on_delete=models.CASCADE, related_name="events", db_index=False)
    # None until numbered: status events are numbered after their attempt's transaction (monitoring/sequencer.py)
    seq = models.PositiveBigIntegerField(null=True, blank=True)
    type = models.CharField(max_length=16, choices=EVENT_TYPES)
    kind = models.CharField(max_length=64)
    severity = models.FloatField(null=True, blank=True)
    client_seq = models.PositiveBigIntegerField(null=True, blank=True)
    data = models.JSONField(default=dict, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["exam", "seq"], name="mon_event_exam_seq_unique"),
            # A learner's retried anomaly (same client_seq) is recognised, not stored twice. NULLs never collide.
            models.UniqueConstraint(fields=["session", "client_seq"], name="mon_event_client_seq_unique"),
        ]
        indexes = [models.Index(fields=["session", "seq"], name="mon_event_session_seq_idx")]

    def __str__(self) -> str:
        return f"{self.type}:{self.kind} #{self.seq} of session {self.session_id}"
