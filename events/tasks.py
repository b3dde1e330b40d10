"""Celery tasks: publish outbox rows (kick after commit + periodic sweep) and send status emails."""

import logging
import uuid

from celery import shared_task

from events import bus, emails, services

log = logging.getLogger(__name__)

EMAIL_MAX_RETRIES = 5
EMAIL_RETRY_BASE_SECONDS = 30


@shared_task(ignore_result=True)
def publish_event(event_id: str) -> bool:
    try:
        return services.publish_event(event_id=uuid.UUID(event_id))
    except bus.DeliveryError:
        return False  # recorded on the row with its next try; the sweep retries it


@shared_task(ignore_result=True)
def publish_due_events() -> int:
    sent = services.publish_due_events()
    if sent:
        log.info("Outbox sweep published %s events", sent)
    return sent


@shared_task(bind=True, ignore_result=True, max_retries=EMAIL_MAX_RETRIES)
def send_status_email(self, attempt_id: int, status: str) -> bool:
    try:
        return emails.send_status_email(attempt_id=attempt_id, status=status)
    except Exception as exc:  # noqa: BLE001 - logged and retried, never raised into the status change
        log.exception("Error while sending proctoring status email for attempt %s (%s)", attempt_id, status)
        raise self.retry(exc=exc, countdown=EMAIL_RETRY_BASE_SECONDS * 2**self.request.retries) from exc
