"""A learner's own stop or resume in one statement on PostgreSQL (the status update the MFE sends most).

The attempt is read without a lock, the state machine decides on that read, and one autocommitted statement
writes the change only if the row still holds what was read (compare-and-set on every column the change
writes), with its history row and the other apps' writes (`exams.services.statement_parts`). Anything else —
another database, an open transaction, someone else's attempt, a first start (it takes the user's lock), a
clock that ran out, a refused action, a receiver without a statement part, a row changed since the read —
returns None and the caller takes the transactional path, which decides and reports exactly as before.
"""

import logging

from django.db import connection
from django.utils import timezone

from exams import exam_cache, selectors, timers
from exams import statuses as s
from exams.models import ExamAttempt, User
from exams.services.statement_parts import NeedsTransaction, StatusChange, parts_for
from exams.services.transition_fields import TRANSITION_FIELDS, apply_transition_fields, history_reason
from exams.services.transition_sql import save_transition_if_unchanged
from exams.state_machine import LEARNER_REST_ACTIONS, Action, Actor, TransitionNotAllowed, next_status

log = logging.getLogger(__name__)


def learner_action(*, attempt_id: int, action, user: User) -> ExamAttempt | None:
    """The owner's learner action on a running attempt, written in one statement; None: use the usual path."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return None
    if not isinstance(action, str) or action not in LEARNER_REST_ACTIONS:
        return None
    action = Action(action)
    attempt = selectors.attempt_by_id(attempt_id)
    if attempt is None or attempt.reset_at is not None or attempt.user_id != user.pk:
        return None
    if attempt.status not in s.IN_PROGRESS:  # a first start takes the user's lock; the rest are reviews
        return None
    exam_cache.attach(attempt, exam_cache.exam_by_id(attempt.exam_id))
    now = timezone.now()
    if timers.is_time_up(attempt, now):
        return None
    try:
        to_status = next_status(attempt.status, action, Actor.LEARNER, attempt.exam.exam_type)
    except TransitionNotAllowed:
        return None
    if to_status == attempt.status:
        return attempt
    return _write(attempt, action, to_status, user, now)


def _write(attempt: ExamAttempt, action: Action, to_status: str, user: User, now) -> ExamAttempt | None:
    before = {name: getattr(attempt, ExamAttempt._meta.get_field(name).attname) for name in TRANSITION_FIELDS}
    from_status = attempt.status
    apply_transition_fields(attempt, to_status=to_status, action=action, now=now)
    change = StatusChange(attempt, from_status, to_status, action, Actor.LEARNER, user)
    try:
        parts = parts_for(change)
    except NeedsTransaction:
        return None
    written, returned = save_transition_if_unchanged(
        attempt,
        before,
        TRANSITION_FIELDS,
        reason=history_reason(Actor.LEARNER, action, None),
        history_user_id=user.pk,
        parts=parts,
    )
    if not written:
        return None  # changed since the read: the locked path decides on the current row
    for part, row in zip(parts, returned, strict=True):
        if part.after_commit is not None:
            try:
                part.after_commit(row)
            except Exception:  # noqa: BLE001 - as `on_commit(robust=True)`: the change is committed
                log.exception("After-commit work of attempt %s's change to %s failed", attempt.pk, to_status)
    return attempt
