"""Attempt timers: deadlines live in the database (start time, allowed minutes, pauses); Celery beat's sweep
submits attempts whose time is up and reads expire lazily. No task waits hours for a deadline in a worker: a
broker outage or a redelivery after the transport's visibility timeout can neither lose nor repeat one."""

import logging

from celery import shared_task
from django.db import DatabaseError
from django.utils import timezone

from exams_service.db_retry import retry_database_errors

log = logging.getLogger(__name__)


@shared_task(ignore_result=True)
def expire_attempt(attempt_id: int) -> None:
    """Kept for messages queued by earlier releases (deadline ETAs); nothing queues it now."""
    from exams.services.attempts import expire_attempt_by_id

    expire_attempt_by_id(attempt_id=attempt_id)


@shared_task(ignore_result=True)
def sweep_expired_attempts() -> int:
    from exams.selectors import running_attempts_past_deadline
    from exams.services.attempts import expire_attempt_by_id

    expire = retry_database_errors(expire_attempt_by_id)
    expired = 0
    for attempt_id in running_attempts_past_deadline(timezone.now()):
        try:
            expired += int(expire(attempt_id=attempt_id))
        except DatabaseError:  # the next sweep tries again; the others are not held up
            log.exception("Timer sweep could not submit attempt %s", attempt_id)
    if expired:
        log.info("Timer sweep submitted %s attempts whose time was up", expired)
    return expired
