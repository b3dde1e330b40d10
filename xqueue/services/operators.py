"""Operator actions: requeue, fail, retire and delete old submissions."""

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from xqueue.constants import FAILURE_REPLY
from xqueue.models import DeliveryState, Submission, SubmissionFile, SubmissionState
from xqueue.services.delivery import due_now
from xqueue.services.dispatch import schedule_delivery
from xqueue.services.submissions import file_storage


def requeue_submissions(*, submission_ids: list[int]) -> int:
    """Put submissions back at their place in the queue with fresh attempts; outstanding keys stop working."""
    now = timezone.now()
    with transaction.atomic():
        return (
            Submission.objects.filter(pk__in=submission_ids)
            .exclude(state=SubmissionState.SUPERSEDED)
            .update(
                state=SubmissionState.PENDING,
                visible_at=now,
                attempts=0,
                pull_key="",
                pulled_at=None,
                grader_reply="",
                finished_at=None,
                failure_reason="",
                delivery_state=DeliveryState.NONE,
                delivery_due_at=None,
                delivery_attempts=0,
                delivery_error="",
            )
        )


def fail_submissions(*, submission_ids: list[int], reason: str) -> int:
    """Fail pending submissions and tell each learner the standard "could not be graded" message."""
    now = timezone.now()
    with transaction.atomic():
        ids = list(
            Submission.objects.select_for_update()
            .filter(pk__in=submission_ids, state=SubmissionState.PENDING)
            .values_list("id", flat=True)
        )
        Submission.objects.filter(pk__in=ids).update(
            state=SubmissionState.FAILED,
            finished_at=now,
            failure_reason=reason[:255],
            grader_reply=FAILURE_REPLY,
            pull_key="",
            **due_now(now),
        )
        for submission_id in ids:
            schedule_delivery(submission_id=submission_id, expected_attempts=0)
    return len(ids)


def retire_old_submissions(*, arrived_before: datetime, queue_name: str | None = None, batch_size: int = 500) -> int:
    """Fail every pending submission that arrived before `arrived_before` (learners are told); returns count."""
    pending = Submission.objects.filter(state=SubmissionState.PENDING, arrival_time__lt=arrived_before)
    if queue_name:
        pending = pending.filter(queue__name=queue_name)
    retired = 0
    while ids := list(pending.order_by("id").values_list("id", flat=True)[:batch_size]):
        retired += fail_submissions(submission_ids=ids, reason="retired by an operator")
    return retired


def delete_old_submissions(*, finished_before: datetime, batch_size: int = 1000) -> int:
    """Delete finished submissions (and their stored files) that arrived before the cutoff; in chunks."""
    old = (
        Submission.objects.filter(arrival_time__lt=finished_before)
        .exclude(state=SubmissionState.PENDING)
        .exclude(delivery_state=DeliveryState.PENDING)
    )
    storage = file_storage()
    deleted = 0
    while ids := list(old.order_by("id").values_list("id", flat=True)[:batch_size]):
        paths = list(SubmissionFile.objects.filter(submission_id__in=ids).values_list("path", flat=True))
        with transaction.atomic():
            Submission.objects.filter(pk__in=ids).delete()
        for path in paths:
            storage.delete(path)
        deleted += len(ids)
    return deleted
