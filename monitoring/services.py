"""State changes of the monitoring app: sessions, the sequenced event log, presence, proctor commands."""

import json
import re
import uuid
from datetime import datetime

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from exams.api import (
    Action,
    Actor,
    Exam,
    ExamAttempt,
    User,
    apply_action,
    attempt_for_update,
    exceptions,
    set_clock_paused,
    statuses,
)
from exams_service.db_retry import retry_database_errors
from exams_service.security.inputs import read_str
from monitoring import commands, fanout, selectors, sequencer
from monitoring.models import (
    ANOMALY,
    COMMAND,
    OFFLINE,
    ONLINE,
    PRESENCE,
    RECEIPT,
    STALE,
    ExamStream,
    ProctoringSession,
    SessionEvent,
)

ANOMALY_KIND = re.compile(r"^[a-z][a-z0-9_.\-]{0,63}$")
DELIVERED, ACKNOWLEDGED, FAILED = "delivered", "acknowledged", "failed"


def ensure_session(*, attempt: ExamAttempt) -> ProctoringSession:
    """The attempt's session, created on first need (attempt start, or the learner asking for it)."""
    session = ProctoringSession.objects.filter(attempt_id=attempt.pk).first()
    if session is not None:
        return session
    sequencer.ensure_stream(attempt.exam_id)
    try:
        with transaction.atomic():
            attempt_for_update(attempt.pk)  # the attempt's lock first, as its status changes
            session, _ = ProctoringSession.objects.get_or_create(
                attempt=attempt, defaults={"exam_id": attempt.exam_id, "user_id": attempt.user_id}
            )
    except IntegrityError:  # created concurrently
        session = ProctoringSession.objects.get(attempt=attempt)
    return session


def session_for_learner(*, user: User, attempt_id: int) -> ProctoringSession:
    attempt = ExamAttempt.objects.filter(pk=attempt_id, reset_at__isnull=True).first()
    if attempt is None or attempt.user_id != user.pk:
        raise exceptions.NotFound(f"Attempt with attempt_id={attempt_id} does not exist.")
    if attempt.status not in statuses.IN_PROGRESS:
        raise exceptions.Conflict(f'Attempt with attempt_id={attempt_id} is not in progress ("{attempt.status}").')
    return ensure_session(attempt=attempt)


def record_event(
    *,
    session_id,
    exam_id: int,
    type: str,
    kind: str,
    severity: float | None = None,
    client_seq: int | None = None,
    data: dict | None = None,
    actor_id: int | None = None,
) -> tuple[SessionEvent, bool]:
    """Append to the log with the exam's next seq; `(event, False)` for a client_seq already recorded.

    The exam's counter row is locked only for the increment and the insert (the duplicate check runs first;
    a concurrent duplicate hits the unique constraint and rolls the increment back, so seqs never skip).
    """
    if client_seq is not None:
        existing = SessionEvent.objects.filter(session_id=session_id, client_seq=client_seq).first()
        if existing is not None:
            return existing, False
    fields = dict(
        exam_id=exam_id,
        session_id=session_id,
        type=type,
        kind=kind,
        severity=severity,
        client_seq=client_seq,
        data=data or {},
        actor_id=actor_id,
    )
    try:
        if connection.vendor == "postgresql":
            return _append_in_one_statement(fields), True
        # Inside a caller's transaction (a status change) no savepoint is needed: only a client_seq duplicate
        # is recovered from below, and that needs one to keep the caller's transaction usable.
        with transaction.atomic(savepoint=client_seq is not None):
            lock_session_row(session_id)  # lock order: session before the exam's counter (docs/architecture.md)
            event = SessionEvent.objects.create(seq=sequencer.reserve_seqs(exam_id, 1) + 1, **fields)
    except IntegrityError:
        if client_seq is None:
            raise
        return SessionEvent.objects.get(session_id=session_id, client_seq=client_seq), False
    return event, True


def attempt_event_fields(*, attempt: ExamAttempt, type: str, kind: str, data: dict, actor_id: int | None) -> dict:
    """The columns of an unnumbered event of the attempt's session, its session aside."""
    return dict(
        exam_id=attempt.exam_id, type=type, kind=kind, severity=None, client_seq=None, data=data, actor_id=actor_id
    )


def record_attempt_event(
    *, attempt: ExamAttempt, create_session: bool, type: str, kind: str, data: dict, actor_id: int | None
) -> SessionEvent | None:
    """Log an event in the attempt's session, unnumbered (`monitoring.sequencer` numbers it after the commit, so
    the attempt's transaction never locks a per-exam row); the session is created first when `create_session`.

    None when the attempt has no session and none is to be created. On PostgreSQL the usual case (the session
    exists) is one statement.
    """
    fields = attempt_event_fields(attempt=attempt, type=type, kind=kind, data=data, actor_id=actor_id)
    if connection.vendor == "postgresql":
        event = _insert_unnumbered_for_attempt(fields, attempt_id=attempt.pk)
        if event is not None:
            return event
    if create_session:
        session = ensure_session(attempt=attempt)
    else:
        session = ProctoringSession.objects.filter(attempt_id=attempt.pk).first()
    if session is None:
        return None
    return SessionEvent.objects.create(session_id=session.pk, seq=None, **fields)


def _event_values(event: SessionEvent) -> list:
    data = json.dumps(event.data)
    return [event.type, event.kind, event.severity, event.client_seq, data, event.actor_id, event.created]


EVENT_COLUMNS = "exam_id, session_id, type, kind, severity, client_seq, data, actor_id, created"


def unnumbered_insert_for_attempt(fields: dict, attempt_source: str) -> tuple[SessionEvent, str, list]:
    """PostgreSQL: (the event, the INSERT adding it unnumbered to the session of the attempt `attempt_source`
    selects — `id` of a table or CTE named `a` — RETURNING id and session_id, its parameters)."""
    event = SessionEvent(created=timezone.now(), **fields)
    sql = (
        f"INSERT INTO {SessionEvent._meta.db_table} ({EVENT_COLUMNS}) "
        f"SELECT %s, ps.id, %s, %s, %s, %s, %s::jsonb, %s, %s FROM {ProctoringSession._meta.db_table} ps "
        f"JOIN {attempt_source} ON ps.attempt_id = a.id RETURNING id, session_id"
    )
    return event, sql, [event.exam_id, *_event_values(event)]


def _insert_unnumbered_for_attempt(fields: dict, *, attempt_id: int) -> SessionEvent | None:
    """PostgreSQL: insert the event into the attempt's session in one statement; None when it has no session."""
    event, sql, params = unnumbered_insert_for_attempt(fields, "(SELECT %s AS id) a")
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, attempt_id])
        row = cursor.fetchone()
    if row is None:
        return None
    event.pk, event.session_id = row
    return event


def _append_in_one_statement(fields: dict) -> SessionEvent:
    """PostgreSQL: increment the exam's counter and insert in one statement, so the counter row is locked for
    microseconds instead of several round trips (the hot path of every anomaly; see docs/benchmarks.md)."""
    event = SessionEvent(created=timezone.now(), **fields)
    stream, table = ExamStream._meta.db_table, SessionEvent._meta.db_table
    sql = (
        f"WITH s AS (UPDATE {stream} SET last_seq = last_seq + 1 WHERE exam_id = %s RETURNING last_seq) "
        f"INSERT INTO {table} ({EVENT_COLUMNS}, seq) "
        f"SELECT %s, %s, %s, %s, %s, %s, %s::jsonb, %s, %s, s.last_seq FROM s RETURNING id, seq"
    )
    params = [event.exam_id, event.exam_id, uuid.UUID(str(event.session_id)), *_event_values(event)]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None:
        sequencer.ensure_stream(event.exam_id)  # no counter yet
        return _append_in_one_statement(fields)
    event.pk, event.seq = row
    return event


def validate_anomaly(data) -> dict:
    """`{"kind", "severity" 0..1, "client_seq" >= 0, "evidence"?}` or ValueError with a message for the client."""
    if not isinstance(data, dict):
        raise ValueError("anomaly data must be an object")
    kind, severity, client_seq = data.get("kind"), data.get("severity"), data.get("client_seq")
    if not isinstance(kind, str) or not ANOMALY_KIND.match(kind):
        raise ValueError("kind must be a short lowercase identifier")
    if isinstance(severity, bool) or not isinstance(severity, int | float) or not 0 <= severity <= 1:
        raise ValueError("severity must be a number from 0 to 1")
    if isinstance(client_seq, bool) or not isinstance(client_seq, int) or not 0 <= client_seq < 2**53:
        raise ValueError("client_seq must be a non-negative integer")
    evidence = data.get("evidence")
    if evidence is not None and (not isinstance(evidence, str) or len(evidence) > 512):
        raise ValueError("evidence must be a string of at most 512 characters")
    if evidence is not None:
        read_str(evidence, name="evidence", max_length=512)  # InputError (a ValueError) for NUL / lone surrogates
    return {"kind": kind, "severity": float(severity), "client_seq": client_seq, "evidence": evidence}


@retry_database_errors
def record_anomaly(*, session_id, exam_id: int, anomaly: dict) -> tuple[SessionEvent, bool]:
    extra = {"evidence": anomaly["evidence"]} if anomaly.get("evidence") else {}
    return record_event(
        session_id=session_id,
        exam_id=exam_id,
        type=ANOMALY,
        kind=anomaly["kind"],
        severity=anomaly["severity"],
        client_seq=anomaly["client_seq"],
        data=extra,
    )


def lock_session_row(session_id) -> ProctoringSession | None:
    """Lock a session row in the global order (attempt → user → session → exam counter). On PostgreSQL the lock
    is FOR NO KEY UPDATE: an event insert's foreign-key check (FOR KEY SHARE) on the session never waits for it,
    so the one-statement anomaly append, which holds the counter first, cannot close a cycle with it."""
    no_key = connection.features.has_select_for_no_key_update
    return ProctoringSession.objects.select_for_update(no_key=no_key).filter(pk=session_id).first()


@retry_database_errors
def set_presence(
    *, session_id, state: str, now: datetime | None = None, flag: bool = False, only_from: str | None = None
) -> SessionEvent | None:
    """Record a presence transition (None when unchanged, or not from `only_from`); `flag` marks heartbeat loss."""
    assert state in (ONLINE, STALE, OFFLINE)
    with transaction.atomic():
        session = lock_session_row(session_id)
        if session is None or session.presence == state or only_from not in (None, session.presence):
            return None
        session.presence = state
        session.presence_changed = now or timezone.now()
        session.flagged = session.flagged or flag
        session.save(update_fields=["presence", "presence_changed", "flagged"])
        data = {"flagged": session.flagged}
        event, _ = record_event(session_id=session.pk, exam_id=session.exam_id, type=PRESENCE, kind=state, data=data)
    return event


@retry_database_errors
def set_presence_many(*, exam_id: int, session_ids: list, state: str, now: datetime, flag: bool = False) -> list:
    """The sweep's presence transitions for many sessions of one exam in one transaction: the sessions locked in
    id order, one UPDATE, the exam's counter locked once and the events inserted together (lock order as in
    `lock_session_row`: sessions, then the counter). Sessions already in `state` are left alone."""
    assert state in (ONLINE, STALE, OFFLINE)
    no_key = connection.features.has_select_for_no_key_update
    with transaction.atomic():
        rows = ProctoringSession.objects.select_for_update(no_key=no_key).filter(pk__in=session_ids, exam_id=exam_id)
        sessions = list(rows.exclude(presence=state).order_by("pk"))
        if not sessions:
            return []
        for session in sessions:
            session.presence, session.presence_changed = state, now
            session.flagged = session.flagged or flag
        ProctoringSession.objects.bulk_update(sessions, ["presence", "presence_changed", "flagged"])
        first = sequencer.reserve_seqs(exam_id, len(sessions))
        events = [
            SessionEvent(
                exam_id=exam_id,
                session_id=session.pk,
                seq=first + offset,
                type=PRESENCE,
                kind=state,
                data={"flagged": session.flagged},
            )
            for offset, session in enumerate(sessions, start=1)
        ]
        SessionEvent.objects.bulk_create(events)
    return events


def flag_offline_session(*, session_id) -> SessionEvent | None:
    """Flag an offline, unflagged session (its socket closed and the learner stayed away): logged as a presence
    event `offline` with `flagged: true`. None when it came back or was flagged already."""
    with transaction.atomic():
        session = ProctoringSession.objects.select_for_update().filter(pk=session_id).first()
        if session is None or session.presence != OFFLINE or session.flagged:
            return None
        session.flagged = True
        session.save(update_fields=["flagged"])
        data = {"flagged": True}
        event, _ = record_event(session_id=session.pk, exam_id=session.exam_id, type=PRESENCE, kind=OFFLINE, data=data)
    return event


def proctor_command(*, exam_id: int, session_id, action: str, message: str, user: User, reason: str = "") -> dict:
    """Log the command (its seq names it from then on), then act: warn → the learner's socket; pause/resume →
    the exam clock; terminate → `proctor_terminate` with the proctor's reason in the attempt's history.

    Only commands the attempt's state allows are accepted (`commands.legal_commands`). The effects of
    pause/resume/terminate come back through the bridge, which sends the learner this command's seq.
    Refused: ExamsError (the dashboard shows the detail). Answers `{"session_id", "action", "command_seq"}`.
    """
    if action not in commands.COMMANDS:
        raise exceptions.ExamsError(f"Unknown command {action!r}.")
    session = ProctoringSession.objects.filter(pk=session_id, exam_id=exam_id).select_related("attempt").first()
    if session is None:
        raise exceptions.NotFound("No such session in this exam.")
    attempt = session.attempt
    exam_type = Exam.objects.filter(pk=exam_id).values_list("exam_type", flat=True).first() or ""
    status = "reset" if attempt.reset_at is not None else attempt.status
    if action not in commands.legal_commands(status=status, paused=attempt.is_paused, exam_type=exam_type):
        running = status in statuses.IN_PROGRESS
        why = "is paused" if running and attempt.is_paused else "is running" if running else "is not in progress"
        raise exceptions.Conflict(f'Cannot {action}: the attempt {why} ("{status}").')
    reason = " ".join(str(reason or message).split())
    if action == commands.TERMINATE and not reason:
        raise exceptions.ExamsError("Terminating needs a reason.")
    if len(reason) > commands.TERMINATE_REASON_MAX and action == commands.TERMINATE:
        raise exceptions.ExamsError(f"The reason must be at most {commands.TERMINATE_REASON_MAX} characters.")
    data = {"action": action, "by": user.username}
    if action == commands.WARN:
        data["message"] = message[: commands.MESSAGE_MAX]
    elif action == commands.TERMINATE:
        data["reason"] = reason
    event, _ = record_event(
        session_id=session.pk, exam_id=exam_id, type=COMMAND, kind=action, data=data, actor_id=user.pk
    )
    fanout.to_exam_sync(exam_id, selectors.envelope(event))
    try:
        with commands.caused_by(event.seq):
            _carry_out(action, session, data, event.seq, user, reason)
    except exceptions.ExamsError as error:  # the state changed since the check (e.g. the timer submitted it)
        record_receipt(session_id=session.pk, exam_id=exam_id, command_seq=event.seq, state=FAILED, detail=error.detail)
        raise
    if session.presence == OFFLINE:  # no socket to deliver to (the effect on the attempt still happened)
        record_receipt(
            session_id=session.pk, exam_id=exam_id, command_seq=event.seq, state=FAILED, detail="Learner not connected."
        )
    return {"session_id": str(session.pk), "action": action, "command_seq": event.seq}


def _carry_out(action: str, session: ProctoringSession, data: dict, seq: int, user: User, reason: str) -> None:
    if action in (commands.PAUSE, commands.RESUME):
        set_clock_paused(attempt_id=session.attempt_id, paused=action == commands.PAUSE, requesting_user=user)
    elif action == commands.TERMINATE:
        apply_action(
            attempt_id=session.attempt_id,
            action=Action.PROCTOR_TERMINATE,
            actor=Actor.STAFF,
            requesting_user=user,
            note=reason,
        )
    else:
        payload = {"message": data["message"], "by": data["by"]}
        fanout.to_session_sync(session.pk, "session.command", action=action, data=payload, seq=seq, command_seq=seq)


def record_receipt(*, session_id, exam_id: int, command_seq: int, state: str, detail: str = "") -> SessionEvent | None:
    """Log and fan out what became of a proctor command (once per state). None when the seq is not a command
    of this session (a learner acknowledging something else) or the state was already recorded."""
    command = SessionEvent.objects.filter(session_id=session_id, type=COMMAND, seq=command_seq, exam_id=exam_id)
    action = command.values_list("kind", flat=True).first()
    if action is None:
        return None
    receipts = SessionEvent.objects.filter(session_id=session_id, type=RECEIPT, kind=state, seq__gt=command_seq)
    if any(data.get("command_seq") == command_seq for data in receipts.values_list("data", flat=True)):
        return None
    data = {"command_seq": command_seq, "action": action}
    if detail:
        data["detail"] = detail[:200]
    event, _ = record_event(session_id=session_id, exam_id=exam_id, type=RECEIPT, kind=state, data=data)
    fanout.to_exam_sync(exam_id, selectors.envelope(event))
    return event
