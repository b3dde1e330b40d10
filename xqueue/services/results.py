"""Grader results: the current key wins once; repeats are idempotent; stale keys are refused."""

import json

from django.utils import timezone

from xqueue.exceptions import (
    IncorrectKey,
    IncorrectReplyFormat,
    NotAwaitingResult,
    ResultAlreadyRecorded,
    SubmissionNotFound,
)
from xqueue.models import Submission, SubmissionState
from xqueue.services.delivery import due_now
from xqueue.services.dispatch import schedule_delivery


def parse_grader_header(header: str | None) -> tuple[int, str]:
    """(submission_id, submission_key) from the header a grader echoes back, or IncorrectReplyFormat."""
    try:
        parsed = json.loads(header or "")
        submission_id = int(parsed["submission_id"])
        key = parsed["submission_key"]
    except (TypeError, ValueError, KeyError, OverflowError) as exc:
        raise IncorrectReplyFormat() from exc
    if not isinstance(key, str) or isinstance(parsed["submission_id"], bool) or not 0 < submission_id < 2**63:
        raise IncorrectReplyFormat()
    return submission_id, key


def _validate_reply(body: str | None) -> str:
    try:
        parsed = json.loads(body or "")
    except (TypeError, ValueError) as exc:
        raise IncorrectReplyFormat() from exc
    if not isinstance(parsed, dict):
        raise IncorrectReplyFormat()
    return body


def record_result(*, header: str | None, body: str | None) -> bool:
    """Record a grader's result and schedule its delivery to the LMS.

    Returns True when the result was accepted now, False for an identical repeat of the accepted one.
    """
    submission_id, key = parse_grader_header(header)
    reply = _validate_reply(body)
    if not key:
        raise IncorrectKey()  # never-pulled and requeued submissions have an empty key
    now = timezone.now()
    # One conditional UPDATE is the whole transaction: it decides the winner atomically on every database.
    accepted = Submission.objects.filter(pk=submission_id, state=SubmissionState.PENDING, pull_key=key).update(
        state=SubmissionState.GRADED,
        grader_reply=reply,
        finished_at=now,
        **due_now(now),
    )
    if accepted:
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
