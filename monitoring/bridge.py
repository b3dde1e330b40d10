"""Attempt state machine → live streams: log the change with the attempt, fan it out after commit.

Receivers run inside the attempt's transaction. A status change and its (unnumbered) log entry commit together
(one statement on PostgreSQL); after the commit the entry is numbered in the exam's stream and sent to
dashboards. Clock changes and resets are logged and sent after commit.
"""

import logging
from functools import partial

from django.db import connection, transaction
from django.dispatch import receiver
from django.utils import timezone

from exams.api import (
    StatementPart,
    StatusChange,
    attempt_clock_changed,
    attempt_reset,
    attempt_status_changed,
    register_statement_part,
    statuses,
    time_remaining_seconds,
)
from monitoring import commands, fanout, selectors, sequencer, services
from monitoring.late_numbering import LateNumbering
from monitoring.models import CLOCK, STATUS, ProctoringSession, SessionEvent

log = logging.getLogger(__name__)


@receiver(attempt_status_changed, dispatch_uid="monitoring.status")
def on_status_changed(sender, attempt, from_status, to_status, action, actor, requesting_user=None, **kwargs):
    data = _status_data(attempt, from_status, to_status, action, actor)
    event = _record_status(attempt, to_status, data, getattr(requesting_user, "pk", None))
    if event is not None:
        transaction.on_commit(
            partial(status_committed, event, from_status, to_status, str(action), data.get("command_seq")),
            robust=True,
        )


def _status_data(attempt, from_status, to_status, action, actor) -> dict:
    data = {"from": from_status, "action": str(action), "actor": str(actor), **clock_facts(attempt, to_status)}
    command_seq = commands.current_command_seq()
    if command_seq is not None:
        data["command_seq"] = command_seq
    return data


def _record_status(attempt, to_status, data: dict, actor_id) -> SessionEvent | None:
    return services.record_attempt_event(
        attempt=attempt,
        create_session=to_status in statuses.IN_PROGRESS,  # the session starts with the attempt
        type=STATUS,
        kind=to_status,
        data=data,
        actor_id=actor_id,
    )


def status_statement_part(change: StatusChange) -> StatementPart:
    """The status event as part of a one-statement change (`exams.services.statement_parts`)."""
    attempt, to_status = change.attempt, change.to_status
    data = _status_data(attempt, change.from_status, to_status, change.action, change.actor)
    actor_id = getattr(change.requesting_user, "pk", None)
    fields = services.attempt_event_fields(attempt=attempt, type=STATUS, kind=to_status, data=data, actor_id=actor_id)
    event, sql, params = services.unnumbered_insert_for_attempt(fields, "changed a")

    def committed(row: dict | None) -> None:
        written = event
        if row is None:  # the attempt had no session yet (it predates monitoring): open it now
            written = _record_status(attempt, to_status, data, actor_id)
            if written is None:
                return
        else:
            written.pk, written.session_id = row["id"], row["session_id"]
        status_committed(written, change.from_status, to_status, str(change.action), data.get("command_seq"))

    return StatementPart(sql=sql, params=params, columns=("id", "session_id"), after_commit=committed)


register_statement_part("monitoring.status", status_statement_part)


@receiver(attempt_clock_changed, dispatch_uid="monitoring.clock")
def on_clock_changed(sender, attempt, paused, requesting_user=None, **kwargs):
    facts = clock_facts(attempt, attempt.status)
    command_seq = commands.current_command_seq()
    user_id = getattr(requesting_user, "pk", None)
    transaction.on_commit(partial(clock_committed, attempt.pk, paused, user_id, facts, command_seq), robust=True)


@receiver(attempt_reset, dispatch_uid="monitoring.reset")
def on_reset(sender, attempt, requesting_user=None, **kwargs):
    transaction.on_commit(partial(reset_committed, attempt.pk), robust=True)


def clock_facts(attempt, status: str) -> dict:
    """What a dashboard shows after the change: seconds left on the clock, paused, the commands now legal."""
    paused = attempt.paused_at is not None
    return {
        "remaining_s": round(time_remaining_seconds(attempt, timezone.now())),
        "paused": paused,
        "commands": commands.legal_commands(status=status, paused=paused, exam_type=attempt.exam.exam_type),
    }


def _command_ids(event_seq: int, command_seq: int | None) -> dict:
    """The learner frame's seq: the proctor command's own (its ack names the command), else the event's."""
    return {"seq": command_seq or event_seq, "command_seq": command_seq}


def status_committed(event: SessionEvent, from_status, to_status, action, command_seq=None) -> None:
    """Queue the event's exam for the process's numbering thread, which numbers and sends it after a short
    window. Numbered now: a terminate without a proctor command (the learner's frame carries the event's seq),
    and every event on the in-memory layer or SQLite (`_numbers_in_place`)."""
    ending = from_status in statuses.IN_PROGRESS and to_status not in statuses.IN_PROGRESS
    terminate = ending and action == "proctor_terminate"
    if terminate and not command_seq:
        ids = _command_ids(_seq_of(event, number_and_send(event.exam_id)), None)
    else:
        if _numbers_in_place():
            number_and_send(event.exam_id)
        else:
            late_numbering.submit(event.exam_id)
        ids = _command_ids(command_seq, command_seq)
    if terminate:
        fanout.to_session_sync(event.session_id, "session.command", action="terminate", data={}, **ids)
    if ending:
        fanout.to_session_sync(event.session_id, "session.ended", status=to_status, reason=action)


def _numbers_in_place() -> bool:
    """The in-memory layer lives on the request's event loop (no other thread may send on it), and SQLite has one
    writer at a time (a background writer only collides with requests: "database table is locked")."""
    return fanout.layer_in_process() or connection.vendor == "sqlite"


def number_and_send(exam_id: int, *, wait: bool = False) -> list[SessionEvent]:
    """Number the exam's pending events (`monitoring.sequencer`) and send the ones this call numbered; when the
    sequencer is held elsewhere the exam goes to the process's numbering thread, which waits for it. An exam
    already queued there is left to it: its claim comes after this commit."""
    if not wait and late_numbering.queued(exam_id):
        return []
    numbered, done = sequencer.sequence_pending(exam_id, wait=wait)
    _send(exam_id, numbered)
    if not done:
        late_numbering.submit(exam_id)
    return numbered


def number_and_send_exams(exam_ids: list[int]) -> None:
    """The numbering thread's drain: every queued exam numbered (one statement on PostgreSQL), then each exam's
    new events sent to its dashboards in one group message."""
    for exam_id, events in sequencer.sequence_pending_many(exam_ids).items():
        _send(exam_id, events)


def _send(exam_id: int, events: list[SessionEvent]) -> None:
    if len(events) == 1:
        fanout.to_exam_sync(exam_id, selectors.envelope(events[0]))
    elif events:
        fanout.to_exam_many_sync(exam_id, [selectors.envelope(event) for event in events])


late_numbering = LateNumbering(number_and_send_exams)


def _seq_of(event: SessionEvent, numbered: list[SessionEvent]) -> int | None:
    """The event's seq, waiting for the holder of the exam's sequencer when it numbers it (rare: a terminate
    without a proctor command)."""
    seq = next((each.seq for each in numbered if each.pk == event.pk), None)
    if seq is None:
        number_and_send(event.exam_id, wait=True)
        seq = SessionEvent.objects.filter(pk=event.pk).values_list("seq", flat=True).first()
    return seq


def clock_committed(attempt_id, paused, user_id, facts=None, command_seq=None) -> None:
    session = ProctoringSession.objects.filter(attempt_id=attempt_id).first()
    if session is None:
        return
    kind = "paused" if paused else "resumed"
    last = SessionEvent.objects.filter(session=session, type=CLOCK).order_by("-seq").values_list("kind", flat=True)
    previous = last.first() or "resumed"
    if previous == kind:  # same pause state: extra time was added
        kind = "extended"
    data = dict(facts or {}, **({"command_seq": command_seq} if command_seq else {}))
    event, _ = services.record_event(
        session_id=session.pk, exam_id=session.exam_id, type=CLOCK, kind=kind, data=data, actor_id=user_id
    )
    fanout.to_exam_sync(session.exam_id, selectors.envelope(event))
    if kind == "extended":
        return
    action = "pause" if paused else "resume"
    ids = _command_ids(event.seq, command_seq)
    fanout.to_session_sync(session.pk, "session.command", action=action, data={}, **ids)


def reset_committed(attempt_id) -> None:
    session = ProctoringSession.objects.filter(attempt_id=attempt_id).first()
    if session is not None:
        fanout.to_session_sync(session.pk, "session.ended", status="reset", reason="reset")
