"""Queues, submissions waiting for external graders, and the files learners uploaded with them."""

import hashlib

from django.conf import settings
from django.db import models
from django.utils import timezone


def default_visibility_timeout() -> int:
    return settings.XQUEUE_DEFAULT_VISIBILITY_TIMEOUT


def default_max_attempts() -> int:
    return settings.XQUEUE_DEFAULT_MAX_ATTEMPTS


def callback_digest(url: str) -> str:
    """Fixed-width key for a callback URL (one learner x one problem), indexable on every database."""
    return hashlib.sha256(url.encode()).hexdigest()


class Queue(models.Model):
    """A named queue the LMS submits to and graders poll; configured in the admin."""

    name = models.CharField(max_length=128, unique=True)
    visibility_timeout = models.PositiveIntegerField(
        default=default_visibility_timeout,
        help_text="Seconds a grader has to answer before the submission is handed out again.",
    )
    max_attempts = models.PositiveSmallIntegerField(
        default=default_max_attempts,
        help_text="Hand-outs before an unanswered submission fails and the learner is told.",
    )
    created = models.DateTimeField(auto_now_add=True)
    modified = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("name",)
        constraints = [
            models.CheckConstraint(condition=models.Q(max_attempts__gte=1), name="xqueue_queue_max_attempts_gte_1"),
            models.CheckConstraint(
                condition=models.Q(visibility_timeout__gte=1), name="xqueue_queue_visibility_timeout_gte_1"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class SubmissionState(models.TextChoices):
    PENDING = "pending", "Pending"  # waiting, or handed out and not yet answered (see visible_at)
    GRADED = "graded", "Graded"
    FAILED = "failed", "Failed"  # no answer after max_attempts, or failed by an operator
    SUPERSEDED = "superseded", "Superseded"  # the learner resubmitted the same problem


class DeliveryState(models.TextChoices):
    NONE = "none", "Nothing to deliver"
    PENDING = "pending", "Pending"  # includes retrying after failures (see delivery_due_at)
    DELIVERED = "delivered", "Delivered"
    GAVE_UP = "gave_up", "Gave up"  # kept failing past XQUEUE_DELIVERY_MAX_AGE; retry from the admin


class Submission(models.Model):
    """One LMS submission: the LMS header and body verbatim, grading state and LMS delivery state."""

    # no index of its own: xqueue_sub_handout starts with queue (a second one only cost writes and, on fresh
    # statistics, drew the planner into reading every row of a queue for each claim)
    queue = models.ForeignKey(Queue, on_delete=models.PROTECT, related_name="submissions", db_index=False)
    lms_header = models.TextField(help_text="The LMS xqueue_header, verbatim.")
    lms_body = models.TextField(help_text="The LMS xqueue_body, verbatim.")
    lms_callback_url = models.TextField()
    callback_digest = models.CharField(max_length=64)
    requester = models.CharField(max_length=64, blank=True)
    arrival_time = models.DateTimeField(default=timezone.now)
    has_files = models.BooleanField(default=False)

    state = models.CharField(max_length=16, choices=SubmissionState.choices, default=SubmissionState.PENDING)
    visible_at = models.DateTimeField(default=timezone.now, help_text="Pending and visible to graders from then.")
    pull_key = models.CharField(max_length=64, blank=True)
    pulled_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    grader = models.CharField(max_length=150, blank=True)
    grader_reply = models.TextField(blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    failure_reason = models.CharField(max_length=255, blank=True)

    delivery_state = models.CharField(max_length=16, choices=DeliveryState.choices, default=DeliveryState.NONE)
    delivery_due_at = models.DateTimeField(null=True, blank=True)
    delivery_attempts = models.PositiveIntegerField(default=0)
    delivery_error = models.TextField(blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-arrival_time",)
        indexes = [
            models.Index(fields=["queue", "state", "arrival_time", "id"], name="xqueue_sub_handout"),
            models.Index(fields=["callback_digest", "state"], name="xqueue_sub_callback"),
            models.Index(fields=["delivery_state", "delivery_due_at"], name="xqueue_sub_delivery"),
            models.Index(fields=["state", "visible_at"], name="xqueue_sub_expiry"),
            models.Index(fields=["arrival_time"], name="xqueue_sub_arrival"),
        ]

    def __str__(self) -> str:
        return f"{self.queue_id}:{self.pk} ({self.state})"


class SubmissionFile(models.Model):
    """A file uploaded with a submission, kept in Django storage and served through signed URLs."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="files")
    name = models.CharField(max_length=255)
    path = models.CharField(max_length=512)
    size = models.PositiveBigIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["submission", "name"], name="xqueue_file_unique_name")]

    def __str__(self) -> str:
        return self.name
