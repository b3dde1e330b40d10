"""Grader results: the current key wins once; repeats are idempotent; stale keys are refused."""

from django.db import connection
from django.utils import timezone

from exams_service.security.inputs import InputError, read_int, read_json, read_str
from xqueue.exceptions import (
    IncorrectKey,
    IncorrectReplyFormat,
    NotAwaitingResult,
    ResultAlreadyRecorded,
    SubmissionNotFound,
)
from xqueue.models import DeliveryState, Submission, SubmissionState
from xqueue.services.dispatch import schedule_delivery
from xqueue.services.submissions import MAX_ENVELOPE_DEPTH


def parse_grader_header(header: str | None) -> tuple[int, str]:
    """(submission_id, submission_key) from the header a grader echoes back, or IncorrectReplyFormat."""
    try:
        parsed = read_json(header, name="xqueue_header", max_depth=MAX_ENVELOPE_DEPTH)
        if not isinstance(parsed, dict):
            raise IncorrectReplyFormat()
        submission_id = read_int(parsed.get("submission_id"), name="submission_id", minimum=1, accept_float=True)
        key = read_str(parsed.get("submission_key"), name="submission_key", max_length=128)
    except InputError as exc:
        raise IncorrectReplyFormat() from exc
    if not isinstance(parsed.get("submission_key"), str):
        raise IncorrectReplyFormat()
    return submission_id, key


def _validate_reply(body: str | None) -> str:
    try:
        parsed = read_json(body, name="xqueue_body", max_depth=MAX_ENVELOPE_DEPTH)
    except InputError as exc:
        raise IncorrectReplyFormat() from exc
    if not isinstance(parsed, dict):
        raise IncorrectReplyFormat()
    return body


def _accept(*, submission_id: int, key: str, reply: str) -> bool:
    """Record `reply` if the submission is pending under `key` (plain SQL: the ORM's compilation cost more than
    the statement); the result becomes due for delivery at once."""
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    table = connection.ops.quote_name(Submission._meta.db_table)
    sql = (
        f"UPDATE {table} SET state = %s, grader_reply = %s, finished_at = %s, delivery_state = %s, "
        "delivery_due_at = %s, delivery_attempts = 0 WHERE id = %s AND state = %s AND pull_key = %s"
    )
    params = [SubmissionState.GRADED, reply, now, DeliveryState.PENDING, now, submission_id, SubmissionState.PENDING]
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, key])
        return cursor.rowcount == 1


def record_result(*, header: str | None, body: str | None) -> bool:
    """Record a grader's result and schedule its delivery to the LMS.

    Returns True when the result was accepted now, False for an identical repeat of the accepted one.
    """
    submission_id, key = parse_grader_header(header)
    reply = _validate_reply(body)
    if not key:
        raise IncorrectKey()  # never-pulled and requeued submissions have an empty key
    # One conditional UPDATE is the whole transaction: it decides the winner atomically on every database.
    if _accept(submission_id=submission_id, key=key, reply=reply):
        schedule_delivery(submission_id=submission_id, expected_attempts=0)
        return True
    current = Submission.objects.filter(pk=submission_id).values_list("state", "pull_key", "grader_reply").first()
    if current is None:
        raise SubmissionNotFound()
    state, current_key, recorded_reply = current
    if not current_key or current_key != key:
        raise IncorrectKey()
    if state == SubmissionState.GRADED:
        if recorded_reply == reply:
            return False
        raise ResultAlreadyRecorded()
    raise NotAwaitingResult()
