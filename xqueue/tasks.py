"""Celery tasks: LMS delivery (one result with retries, or a batch drain) and the periodic sweep."""

from celery import shared_task
from django.conf import settings

from xqueue import services


@shared_task(bind=True, ignore_result=True, acks_late=True, max_retries=None)
def deliver_result(self, submission_id: int, expected_attempts: int) -> None:
    """One delivery attempt; on failure, retry with exponential backoff (the sweeper covers eager mode)."""
    outcome = services.deliver_result(submission_id=submission_id, expected_attempts=expected_attempts)
    if outcome is None or outcome.retry_at is None or self.request.is_eager:
        return
    raise self.retry(args=(submission_id, outcome.attempts), countdown=outcome.retry_countdown())


@shared_task(ignore_result=True)
def deliver_due_results() -> dict:
    """A batch drain (see xqueue.services.dispatch): every due result, several at a time."""
    return services.deliver_due_results()


@shared_task(ignore_result=True)
def sweep() -> dict:
    """Fail submissions out of attempts (learners get the failure message) and redeliver overdue results."""
    return {
        "failed": services.fail_exhausted_submissions(),
        "redelivered": services.redeliver_overdue(grace_seconds=settings.XQUEUE_SWEEP_INTERVAL),
    }
