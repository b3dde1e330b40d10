"""Proctoring review records (ACS): the attempt's review history, one row per distinct accepted request."""

from datetime import datetime
from decimal import Decimal

from exams.models import AttemptReview


def find_review(*, attempt_id: int, fingerprint: str) -> AttemptReview | None:
    """The record of an earlier identical request, if any."""
    return AttemptReview.objects.filter(attempt_id=attempt_id, fingerprint=fingerprint).first()


def has_review(*, attempt_id: int, action_type: str) -> bool:
    return AttemptReview.objects.filter(attempt_id=attempt_id, action_type=action_type).exists()


def record_review(
    *,
    attempt_id: int,
    action_type: str,
    fingerprint: str,
    raw_body: dict,
    incident_time: datetime | None = None,
    severity: Decimal | None = None,
    reason_code: str = "",
    reason_message: str = "",
    extra_time_seconds: int | None = None,
    resulting_status: str = "",
) -> AttemptReview:
    """Store one accepted request. A repeat of the same (attempt, fingerprint) raises IntegrityError:
    callers run this in the transaction of the request's effect and treat the error as a replay."""
    return AttemptReview.objects.create(
        attempt_id=attempt_id,
        action_type=action_type,
        fingerprint=fingerprint,
        raw_body=raw_body,
        incident_time=incident_time,
        severity=severity,
        reason_code=reason_code,
        reason_message=reason_message,
        extra_time_seconds=extra_time_seconds,
        resulting_status=resulting_status,
    )
