"""What a status change writes on the attempt row, shared by the transactional and the one-statement paths."""

from exams import statuses as s
from exams import timers
from exams.models import ExamAttempt
from exams.state_machine import Action

# Everything a transition may change; the user and exam columns are never rewritten.
TRANSITION_FIELDS = [
    "status",
    "start_time",
    "end_time",
    "allowed_time_limit_mins",
    "paused_seconds",
    "paused_at",
    "modified",
]


def finish_pause(attempt: ExamAttempt, now) -> None:
    if attempt.paused_at is not None:
        attempt.paused_seconds += int(max((now - attempt.paused_at).total_seconds(), 0))
        attempt.paused_at = None


HISTORY_REASON_MAX = 100  # simple-history's history_change_reason column


def history_reason(actor, action, note: str | None) -> str:
    """`actor:action`, followed by the caller's note (e.g. a proctor's reason to terminate) when given."""
    reason = f"{actor}:{action}"
    return f"{reason} {note}"[:HISTORY_REASON_MAX] if note else reason


def apply_transition_fields(attempt: ExamAttempt, *, to_status, action, now) -> None:
    """The columns a change to `to_status` sets besides the first start's: end time, pause, status."""
    from_status = attempt.status
    if from_status in s.IN_PROGRESS and to_status not in s.IN_PROGRESS:
        deadline = timers.deadline(attempt, now)
        finish_pause(attempt, now)
        if to_status in s.COMPLETED:
            attempt.end_time = deadline if action == Action.EXPIRE and deadline else now
    elif to_status == s.SUBMITTED:
        attempt.end_time = attempt.end_time or now
    attempt.status = to_status
