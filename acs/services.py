"""Applying an ACS control request: effect on the attempt (through the exams services) + review record.

Status changes go through the attempt state machine (`apply_action`, actor TOOL), the clock through
`set_clock_paused` / `add_extra_time`, so events, emails, timers and dashboards follow on their own.
A request is applied and recorded in one transaction; an identical repeat finds the record and gets the
same answer without a second effect (also when both arrive at once: the unique fingerprint decides).
"""

from decimal import Decimal

from django.db import IntegrityError, transaction

from acs import selectors
from acs.errors import AcsError
from acs.messages import FLAG, PAUSE, RESUME, TERMINATE, UPDATE, ControlRequest, stored_severity
from exams.api import (
    TOOL_REVIEWABLE,
    Action,
    Actor,
    AttemptReview,
    ExamAttempt,
    ExamsError,
    add_extra_time,
    apply_action,
    find_review,
    has_review,
    record_review,
    set_clock_paused,
    statuses,
)

PASSING_REASON_CODE = "1"  # "Submitted by user": the tool ended the assessment normally
RUNNING, PAUSED, TERMINATED, COMPLETE, NONE = "running", "paused", "terminated", "complete", "none"


def terminate_outcome(*, reason_code: str, severity: Decimal, threshold: Decimal) -> Action:
    """Reason "1" at or below the provider's severity threshold passes, above it needs a second look;
    any other reason code is an error."""
    if reason_code != PASSING_REASON_CODE:
        return Action.REVIEW_ERRORED
    return Action.REVIEW_PASSED if severity <= threshold else Action.REVIEW_NEEDS_SECOND_LOOK


def acs_state(attempt: ExamAttempt) -> str:
    """The attempt as an ACS status: running / paused while in progress, terminated or complete after."""
    if attempt.status in statuses.IN_PROGRESS:
        return PAUSED if attempt.is_paused else RUNNING
    if attempt.status in statuses.COMPLETED:
        return TERMINATED if has_review(attempt_id=attempt.pk, action_type=TERMINATE) else COMPLETE
    return NONE


def _answer(action: str, attempt: ExamAttempt, extra_time_seconds: int | None) -> dict:
    status = {TERMINATE: TERMINATED, PAUSE: PAUSED, RESUME: RUNNING}.get(action) or acs_state(attempt)
    answer = {"status": status}
    if action in (UPDATE, RESUME) and extra_time_seconds:
        answer["extra_time"] = extra_time_seconds
    return answer


def _replay(review: AttemptReview) -> dict:
    attempt = ExamAttempt.objects.get(pk=review.attempt_id)
    return _answer(review.action_type, attempt, review.extra_time_seconds)


def _perform(attempt: ExamAttempt, control: ControlRequest) -> ExamAttempt:
    if control.action == TERMINATE:
        if attempt.status not in TOOL_REVIEWABLE:
            raise AcsError(f'Cannot terminate an attempt in status "{attempt.status}".', 409)
        action = terminate_outcome(
            reason_code=control.reason_code,
            severity=control.severity,
            threshold=attempt.exam.provider.review_severity_threshold,
        )
        return apply_action(attempt_id=attempt.pk, action=action, actor=Actor.TOOL, requesting_user=None)
    if control.action == FLAG:
        if attempt.status == statuses.CREATED:
            raise AcsError("Cannot flag an attempt the proctoring tool was not launched for.", 409)
        return attempt
    if control.action in (PAUSE, RESUME):
        attempt = set_clock_paused(attempt_id=attempt.pk, paused=control.action == PAUSE)
    if control.extra_time_seconds and control.action in (RESUME, UPDATE):
        attempt = add_extra_time(attempt_id=attempt.pk, seconds=control.extra_time_seconds)
    return attempt


def _apply_and_record(attempt: ExamAttempt, control: ControlRequest) -> dict:
    with transaction.atomic():
        try:
            attempt = _perform(attempt, control)
        except AcsError:
            raise
        except ExamsError as exc:  # the state machine or the clock refused: not allowed in this status
            raise AcsError(exc.detail, 409) from exc
        record_review(
            attempt_id=attempt.pk,
            action_type=control.action,
            fingerprint=control.fingerprint,
            raw_body=control.raw_body,
            incident_time=control.incident_time,
            severity=stored_severity(control.severity),
            reason_code=control.reason_code,
            reason_message=control.reason_message,
            extra_time_seconds=control.extra_time_seconds,
            resulting_status=attempt.status,
        )
        return _answer(control.action, attempt, control.extra_time_seconds)


def handle_control_request(*, lti_config_id: int, control: ControlRequest) -> dict:
    """Apply `control` from the tool of registration `lti_config_id`; the ACS answer `{"status"[, "extra_time"]}`."""
    attempt = selectors.attempt_for_tool(
        lti_config_id=lti_config_id,
        user_sub=control.user_sub,
        resource_link_id=control.resource_link_id,
        attempt_number=control.attempt_number,
    )
    earlier = find_review(attempt_id=attempt.pk, fingerprint=control.fingerprint)
    if earlier is not None:
        return _replay(earlier)
    try:
        return _apply_and_record(attempt, control)
    except IntegrityError:  # the same request, recorded concurrently: its effect stands, ours rolled back
        earlier = find_review(attempt_id=attempt.pk, fingerprint=control.fingerprint)
        if earlier is None:
            raise
        return _replay(earlier)
