"""Attempt timers: a task at each deadline plus a periodic sweep, so abandoned attempts are submitted."""

import logging

from celery import shared_task
from django.utils import timezone

from exams import timers

log = logging.getLogger(__name__)


@shared_task(ignore_result=True)
def expire_attempt(attempt_id: int) -> None:
    from exams.services.attempts import expire_attempt_by_id

    expire_attempt_by_id(attempt_id=attempt_id)


@shared_task(ignore_result=True)
def sweep_expired_attempts() -> int:
    from exams.selectors import running_attempts_past_deadline
    from exams.services.attempts import expire_attempt_by_id

    expired = 0
    for attempt_id in running_attempts_past_deadline(timezone.now()):
        expired += int(expire_attempt_by_id(attempt_id=attempt_id))
    if expired:
        log.info("Timer sweep submitted %s attempts whose time was up", expired)
    return expired


def schedule_expiry(attempt) -> None:
    """Queue `expire_attempt` at the deadline; a broker outage is logged, the sweep covers it."""
    deadline = timers.deadline(attempt, timezone.now())
    if deadline is None:
        return
    try:
        expire_attempt.apply_async((attempt.pk,), eta=deadline)
    except Exception:  # noqa: BLE001 - the sweep is the safety net
        log.warning("Could not schedule expiry of attempt %s; the periodic sweep will submit it", attempt.pk)
