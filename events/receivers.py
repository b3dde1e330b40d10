"""Receivers of the exams attempt signals (sent inside the attempt's transaction, only on a real change)."""

from django.dispatch import receiver

from events import emails, services
from events.payloads import RESET_SIGNAL, SIGNAL_BY_STATUS, requesting_user_for
from exams.api import NeedsTransaction, attempt_reset, attempt_status_changed, register_statement_part


@receiver(attempt_status_changed, dispatch_uid="events.attempt_status_changed")
def on_attempt_status_changed(sender, attempt, from_status, to_status, action, actor, requesting_user, **kwargs):
    signal = SIGNAL_BY_STATUS.get(to_status)
    if signal is None:
        return
    services.record_attempt_event(
        signal=signal,
        attempt=attempt,
        requesting_user=requesting_user_for(
            to_status=to_status, actor=actor, attempt=attempt, requesting_user=requesting_user
        ),
        occurred_at=attempt.modified,
    )
    emails.schedule_status_email(attempt=attempt, status=to_status)


def status_statement_part(change):
    """One-statement changes (`exams.services.statement_parts`): statuses with an event or an email need the
    transaction (the outbox row and the email's on-commit); the others write nothing here."""
    if change.to_status in SIGNAL_BY_STATUS:
        raise NeedsTransaction(f"the {change.to_status} event goes through the outbox")
    return None


register_statement_part("events.attempt_status_changed", status_statement_part)


@receiver(attempt_reset, dispatch_uid="events.attempt_reset")
def on_attempt_reset(sender, attempt, requesting_user, **kwargs):
    services.record_attempt_event(
        signal=RESET_SIGNAL,
        attempt=attempt,
        requesting_user=requesting_user,
        occurred_at=attempt.reset_at or attempt.modified,
    )
