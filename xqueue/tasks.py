"""Celery tasks: LMS delivery with retries, and the periodic sweep (beat entry `xqueue-sweep`)."""

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from xqueue import services


@shared_task(bind=True, ignore_result=True, acks_late=True, max_retries=None)
def deliver_result(self, submission_id: int, expected_attempts: int) -> None:
    """One delivery attempt; on failure, retry with exponential backoff (the sweeper covers eager mode)."""
    outcome = services.deliver_result(submission_id=submission_id, expected_attempts=expected_attempts)
    if outcome is None or outcome.retry_at is None or self.request.is_eager:
        return
    countdown = max(0.0, (outcome.retry_at - timezone.now()).total_seconds()) + 0.5
    raise self.retry(args=(submission_id, outcome.attempts), countdown=countdown)


@shared_task(ignore_result=True)
def sweep() -> dict:
    """Fail submissions out of attempts (learners get the failure message) and redeliver overdue results."""
    return {
        "failed": services.fail_exhausted_submissions(),
        "redelivered": services.redeliver_overdue(grace_seconds=settings.XQUEUE_SWEEP_INTERVAL),
    }
