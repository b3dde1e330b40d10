"""Attempt lifecycle: create, apply a state-machine action, reset. The only writers of `status`."""

import logging

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from exams import exam_cache, exceptions, selectors, signals, timers
from exams import statuses as s
from exams.models import Exam, ExamAttempt, StudentAllowance, User
from exams.services import one_statement
from exams.services.transition_fields import TRANSITION_FIELDS, apply_transition_fields, finish_pause, history_reason
from exams.services.transition_sql import save_transition
from exams.state_machine import (
    LEARNER_REST_ACTIONS,
    STAFF_REST_ACTIONS,
    Action,
    Actor,
    TransitionNotAllowed,
    next_status,
    target_status,
)

log = logging.getLogger(__name__)


def _lock_attempt(attempt_id: int) -> ExamAttempt:
    """Row-lock the attempt alone (a plain indexed read, never its exam, which all learners share)."""
    attempt = selectors.attempt_for_update(attempt_id)
    if attempt is None or attempt.reset_at is not None:
        raise exceptions.ExamsError(f"Attempt with attempt_id={attempt_id} does not exist.")
    exam_cache.attach(attempt, exam_cache.exam_by_id(attempt.exam_id))
    return attempt


def _lock_user(user_id: int) -> None:
    """Serializes a user's attempt creation and starts (one running attempt per user, on every database)."""
    list(User.objects.select_for_update().filter(pk=user_id).values_list("pk", flat=True))


def _ids(attempt: ExamAttempt) -> str:
    return f"exam_id={attempt.exam_id} and user_id={attempt.user_id}"


def _illegal_transition(attempt: ExamAttempt, action: Action, actor: Actor) -> exceptions.IllegalStatusTransition:
    """The reference's words for completed → incomplete (contract §state machine); ours for other refusals."""
    target = target_status(action, actor)
    if attempt.status in s.COMPLETED and target in s.INCOMPLETE:
        return exceptions.IllegalStatusTransition(
            f'A status transition from "{attempt.status}" to "{target}" was attempted on exam_id={attempt.exam_id} '
            f"for user_id={attempt.user_id}. This is not allowed! (course_id={attempt.exam.course_id})"
        )
    return exceptions.IllegalStatusTransition(
        f'Action "{action}" is not allowed on an attempt in status "{attempt.status}" '
        f"({_ids(attempt)}, course_id={attempt.exam.course_id})."
    )


def _check_can_start(attempt: ExamAttempt) -> None:
    others = selectors.running_attempts_of_user(attempt.user_id).exclude(pk=attempt.pk)
    if others.exists():
        raise exceptions.IllegalStatusTransition(
            f"Cannot start exam attempt for {_ids(attempt)} because another exam attempt is currently active!"
        )


def _write_transition(attempt: ExamAttempt, *, to_status, action, actor, requesting_user, now, note=None) -> None:
    from_status = attempt.status
    if to_status == s.STARTED and attempt.start_time is None:  # the first start fixes the allowed time
        allowance = StudentAllowance.objects.filter(user_id=attempt.user_id, exam_id=attempt.exam_id).first()
        attempt.start_time = now
        attempt.allowed_time_limit_mins = timers.allowed_minutes_at_start(
            time_limit_mins=attempt.exam.time_limit_mins, allowance=allowance, due_date=attempt.exam.due_date, now=now
        )
    apply_transition_fields(attempt, to_status=to_status, action=action, now=now)
    save_transition(
        attempt,
        TRANSITION_FIELDS,
        reason=history_reason(actor, action, note),
        history_user_id=requesting_user.pk if requesting_user is not None else None,
    )
    signals.attempt_status_changed.send(
        sender=ExamAttempt,
        attempt=attempt,
        from_status=from_status,
        to_status=to_status,
        action=action,
        actor=actor,
        requesting_user=requesting_user,
    )


def apply_action(
    *, attempt_id: int, action: Action, actor: Actor, requesting_user: User | None = None, note: str | None = None
) -> ExamAttempt:
    """Lock the attempt, look (status, action, actor) up in the table, write, signal.

    A running attempt whose time is up is submitted first (and stays submitted even when the
    requested action is then refused). Repeating the current status changes and emits nothing.
    `note` is kept in the attempt's history with the change (its reason column holds 100 characters).
    """
    return _transition(attempt_id, lambda attempt: (action, actor), requesting_user, note=note)


def act_on_attempt(*, attempt_id: int, action: str | None, user: User) -> ExamAttempt:
    """A REST `PUT` on an attempt: the owner's learner actions or course staff's review actions.

    Who may act is decided on the locked row itself, so the request reads the attempt once.
    """

    done = one_statement.learner_action(attempt_id=attempt_id, action=action, user=user)
    if done is not None:
        return done

    def authorize(attempt: ExamAttempt) -> tuple[Action, Actor]:
        actor = _actor_for(attempt, action, user)
        return Action(action), actor

    return _transition(attempt_id, authorize, user)


def _actor_for(attempt: ExamAttempt, action, user: User) -> Actor:
    """Owner for learner actions, course staff for review actions; anything else is refused."""
    hashable = isinstance(action, str)
    learner_action = hashable and action in LEARNER_REST_ACTIONS
    staff_action = hashable and action in STAFF_REST_ACTIONS
    is_owner = attempt.user_id == user.pk
    # The owner's own learner actions need no course-staff lookup (the hot path of the MFE).
    is_staff = not (is_owner and learner_action) and selectors.is_course_staff(user, attempt.exam.course_id)
    if not (is_owner or is_staff):
        raise exceptions.PermissionDenied(
            f"user_id={user.pk} attempted to update attempt_id={attempt.pk} in "
            f"course_id={attempt.exam.course_id} but does not have access to it. (action={action})"
        )
    if is_staff and staff_action:
        return Actor.STAFF
    if is_owner and learner_action:
        return Actor.LEARNER
    raise exceptions.ExamsError(f'Unrecognized action "{action}"')


def _transition(attempt_id: int, resolve, requesting_user: User | None, note: str | None = None) -> ExamAttempt:
    """The one write path of `status`: `resolve(locked attempt) -> (action, actor)` may refuse by raising."""
    error = None
    with transaction.atomic():
        # Lock order everywhere: attempt row, then user row. Foreign-key checks at commit (e.g. the history
        # row's user) take a share lock on the user row, so taking the user row first would deadlock.
        attempt = _lock_attempt(attempt_id)
        action, actor = resolve(attempt)
        # Only a start that makes the attempt running can break "one running attempt per user";
        # resuming (ready_to_submit → started) keeps the count as it is.
        starts_running = action == Action.START and attempt.status not in s.IN_PROGRESS
        if starts_running:
            _lock_user(attempt.user_id)
        now = timezone.now()
        time_up = timers.is_time_up(attempt, now)
        if action == Action.EXPIRE and actor == Actor.SYSTEM and attempt.status in s.IN_PROGRESS and not time_up:
            return attempt  # an early timer (clock paused or extended since it was scheduled)
        if action != Action.EXPIRE and time_up:
            _write_transition(
                attempt, to_status=s.SUBMITTED, action=Action.EXPIRE, actor=Actor.SYSTEM, requesting_user=None, now=now
            )
        try:
            to_status = next_status(attempt.status, action, actor, attempt.exam.exam_type)
            if starts_running and to_status == s.STARTED:
                _check_can_start(attempt)
        except TransitionNotAllowed:
            error = _illegal_transition(attempt, action, actor)
        except exceptions.ExamsError as exc:
            error = exc
        else:
            if to_status != attempt.status:
                _write_transition(
                    attempt,
                    to_status=to_status,
                    action=action,
                    actor=actor,
                    requesting_user=requesting_user,
                    now=now,
                    note=note,
                )
    if error is not None:
        raise error
    return attempt


def create_attempt(*, user: User, exam_id: int, start_clock: bool) -> ExamAttempt:
    """Create the learner's next attempt; `start_clock` starts a timed exam in the same transaction.

    Proctored exams ignore `start_clock`: they start only after the proctoring tool is ready.
    """
    try:
        with transaction.atomic():
            exam = Exam.objects.filter(pk=exam_id, is_active=True).first()
            if exam is None:
                raise exceptions.ExamDoesNotExist(f"Exam with exam_id={exam_id} does not exist.")
            _lock_user(user.pk)
            if selectors.current_attempt(user.pk, exam.pk) is not None:
                raise exceptions.AttemptAlreadyExists(
                    f"Cannot create attempt for exam_id={exam.pk} and user_id={user.pk} "
                    "because an attempt already exists."
                )
            if selectors.is_past_due(exam, timezone.now()) and not exam.type_info.is_practice:
                raise exceptions.AttemptOnPastDueExam(
                    f"user_id={user.pk} trying to create exam attempt for past due non-practice exam "
                    f"exam_id={exam.pk} in course_id={exam.course_id}. Do not register an exam attempt!"
                )
            last = ExamAttempt.objects.filter(user=user, exam=exam).aggregate(n=Max("attempt_number"))["n"] or 0
            attempt = ExamAttempt.objects.create(user=user, exam=exam, attempt_number=last + 1, status=s.CREATED)
            if start_clock and exam.exam_type == "timed":
                attempt = apply_action(
                    attempt_id=attempt.pk, action=Action.START, actor=Actor.LEARNER, requesting_user=user
                )
            return attempt
    except IntegrityError as exc:
        raise exceptions.AttemptAlreadyExists(
            f"Cannot create attempt for exam_id={exam_id} and user_id={user.pk} because an attempt already exists."
        ) from exc


def reset_attempt(*, attempt_id: int, requesting_user: User) -> ExamAttempt:
    """Course staff reset: the attempt is kept as history; the learner's next one gets the next number."""
    with transaction.atomic():
        attempt = _lock_attempt(attempt_id)
        now = timezone.now()
        finish_pause(attempt, now)
        attempt.reset_at = now
        attempt.reset_by = requesting_user
        attempt._change_reason = f"{Actor.STAFF}:reset"
        attempt.save()
        signals.attempt_reset.send(sender=ExamAttempt, attempt=attempt, requesting_user=requesting_user)
    return attempt


def expire_if_time_up(attempt: ExamAttempt) -> ExamAttempt:
    """Read-path check: submit a running attempt whose time is up (end_time = its deadline)."""
    if not timers.is_time_up(attempt, timezone.now()):
        return attempt
    try:
        return apply_action(attempt_id=attempt.pk, action=Action.EXPIRE, actor=Actor.SYSTEM)
    except exceptions.ExamsError:
        attempt.refresh_from_db()
        return attempt


def expire_attempt_by_id(*, attempt_id: int) -> bool:
    """Timer entry point: submit the attempt if its time is up; True when this call submitted it."""
    before = ExamAttempt.objects.filter(pk=attempt_id).values_list("status", flat=True).first()
    if before not in s.IN_PROGRESS:
        return False
    try:
        attempt = apply_action(attempt_id=attempt_id, action=Action.EXPIRE, actor=Actor.SYSTEM)
    except exceptions.ExamsError:
        return False
    return attempt.status == s.SUBMITTED
