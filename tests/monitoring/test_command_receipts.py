"""Commands that say what happened: sent → delivered → acknowledged (or failed), only the legal ones, the
terminate reason in the attempt's history, and presence going offline when the learner's socket closes."""

import pytest
from channels.db import database_sync_to_async

from exams import statuses
from exams.models import ExamAttempt
from exams.services.attempts import apply_action
from exams.state_machine import Action, Actor
from monitoring import presence, selectors
from monitoring.models import ProctoringSession, SessionEvent
from tests.monitoring.conftest import (
    connect_dashboard,
    connect_learner,
    dashboard_ticket,
    learner_ticket,
    receive_until,
    run,
    send,
)

pytestmark = pytest.mark.django_db(transaction=True)


async def next_of(dashboard, type_, kind=None):
    while True:
        message = await receive_until(dashboard, type_)
        if kind is None or message["data"].get("kind") == kind:
            return message


def test_warn_is_sent_delivered_then_acknowledged_by_the_learner_client(clients, learner, course_staff, session):
    staff, mine = dashboard_ticket(clients, course_staff, session.exam_id), learner_ticket(clients, learner, session.pk)

    async def scenario():
        dashboard, _ = await connect_dashboard(session.exam_id, staff)
        learner_socket, _ = await connect_learner(session.pk, mine)
        await send(dashboard, "command", session_id=str(session.pk), action="warn", message="Eyes on the screen")
        result = await receive_until(dashboard, "command_result")
        assert result["data"]["ok"] is True
        command_seq = result["data"]["command_seq"]
        sent = await next_of(dashboard, "command")
        assert (sent["seq"], sent["data"]["action"], sent["data"]["message"]) == (
            command_seq,
            "warn",
            "Eyes on the screen",
        )
        frame = await receive_until(learner_socket, "command")
        assert frame["seq"] == command_seq  # the learner's client acknowledges by this seq
        delivered = await next_of(dashboard, "receipt", "delivered")
        assert delivered["data"]["command_seq"] == command_seq and delivered["sid"] == str(session.pk)
        await send(learner_socket, "ack", seq=command_seq)
        acknowledged = await next_of(dashboard, "receipt", "acknowledged")
        assert acknowledged["data"] == {"kind": "acknowledged", "command_seq": command_seq, "action": "warn"}
        await send(learner_socket, "ack", seq=command_seq)  # a repeated ack is not logged twice
        await send(learner_socket, "ack", seq=1)  # a seq that is not one of this session's commands: ignored
        for bad in ("x", 0, None):  # checked against the declared message shape before dispatch
            await send(learner_socket, "ack", seq=bad)
            assert (await receive_until(learner_socket, "error"))["data"]["code"] == "bad_message"
        await learner_socket.disconnect()
        await dashboard.disconnect()
        return command_seq

    command_seq = run(scenario)
    receipts = SessionEvent.objects.filter(type="receipt").order_by("seq").values_list("kind", flat=True)
    assert list(receipts) == ["delivered", "acknowledged"]
    (row,) = selectors.snapshot(session.exam_id)["data"]["sessions"]
    assert row["last_command"]["seq"] == command_seq and row["last_command"]["state"] == "acknowledged"


def test_only_legal_commands_are_offered_and_accepted(clients, learner, course_staff, session, attempt):
    def row():
        (only,) = selectors.snapshot(session.exam_id)["data"]["sessions"]
        return only

    assert row()["commands"] == ["warn", "pause", "terminate"]
    ticket = dashboard_ticket(clients, course_staff, session.exam_id)

    async def scenario():
        dashboard, _ = await connect_dashboard(session.exam_id, ticket)
        await send(dashboard, "command", session_id=str(session.pk), action="pause")
        assert (await receive_until(dashboard, "command_result"))["data"]["ok"] is True
        clock = await next_of(dashboard, "clock", "paused")
        assert clock["data"]["commands"] == ["warn", "resume", "terminate"] and clock["data"]["paused"] is True
        await send(dashboard, "command", session_id=str(session.pk), action="pause")  # already paused
        refused = await receive_until(dashboard, "command_result")
        assert refused["data"]["ok"] is False and "paused" in refused["data"]["detail"]
        await dashboard.disconnect()

    run(scenario)
    assert row()["commands"] == ["warn", "resume", "terminate"] and row()["paused"] is True


def test_a_command_for_a_submitted_attempt_is_refused_and_none_is_offered(clients, course_staff, session, attempt):
    apply_action(attempt_id=attempt.pk, action=Action.SUBMIT, actor=Actor.LEARNER)
    (row,) = selectors.snapshot(session.exam_id)["data"]["sessions"]
    assert row["commands"] == [] and row["remaining_s"] == 0
    ticket = dashboard_ticket(clients, course_staff, session.exam_id)

    async def scenario():
        dashboard, _ = await connect_dashboard(session.exam_id, ticket)
        results = []
        for action in ("warn", "pause", "resume", "terminate"):
            await send(dashboard, "command", session_id=str(session.pk), action=action, reason="late")
            results.append((await receive_until(dashboard, "command_result"))["data"])
        await dashboard.disconnect()
        return results

    for result in run(scenario):
        assert result["ok"] is False and 'not in progress ("submitted")' in result["detail"]
    assert not SessionEvent.objects.filter(type="command").exists()
    assert ExamAttempt.objects.get(pk=attempt.pk).status == statuses.SUBMITTED


def test_terminate_needs_a_reason_which_the_attempt_history_keeps(clients, course_staff, learner, session, attempt):
    ticket = dashboard_ticket(clients, course_staff, session.exam_id)

    async def scenario():
        dashboard, _ = await connect_dashboard(session.exam_id, ticket)
        await send(dashboard, "command", session_id=str(session.pk), action="terminate", reason="   ")
        missing = (await receive_until(dashboard, "command_result"))["data"]
        await send(dashboard, "command", session_id=str(session.pk), action="terminate", reason="x" * 71)
        too_long = (await receive_until(dashboard, "command_result"))["data"]
        await send(dashboard, "command", session_id=str(session.pk), action="terminate", reason="Phone on the desk")
        done = (await receive_until(dashboard, "command_result"))["data"]
        status = await next_of(dashboard, "status", "error")
        await dashboard.disconnect()
        return missing, too_long, done, status

    missing, too_long, done, status = run(scenario)
    assert missing["ok"] is False and "reason" in missing["detail"]
    assert too_long["ok"] is False and "70" in too_long["detail"]
    assert done["ok"] is True
    assert status["data"]["command_seq"] == done["command_seq"] and status["data"]["commands"] == []
    latest = ExamAttempt.history.filter(id=attempt.pk).order_by("-history_id").first()
    assert latest.status == statuses.ERROR
    assert latest.history_change_reason == "staff:proctor_terminate Phone on the desk"
    assert latest.history_user_id == course_staff.pk
    command = SessionEvent.objects.get(type="command")
    assert command.data["reason"] == "Phone on the desk" and command.seq == done["command_seq"]
    # the learner was not connected: the command took effect but could not be delivered
    failed = SessionEvent.objects.get(type="receipt")
    assert failed.kind == "failed" and failed.data["detail"] == "Learner not connected."


def test_a_closed_socket_is_offline_at_once_and_flagged_if_the_learner_stays_away(
    clients, learner, course_staff, session
):
    staff, mine = dashboard_ticket(clients, course_staff, session.exam_id), learner_ticket(clients, learner, session.pk)

    async def scenario():
        dashboard, _ = await connect_dashboard(session.exam_id, staff)
        learner_socket, _ = await connect_learner(session.pk, mine)
        assert (await next_of(dashboard, "presence"))["data"]["kind"] == "online"
        await learner_socket.disconnect()
        offline = await next_of(dashboard, "presence")
        assert offline["data"] == {"kind": "offline", "flagged": False}  # no sweep ran
        changed = await database_sync_to_async(lambda: ProctoringSession.objects.get(pk=session.pk).presence_changed)()
        sweep = database_sync_to_async(presence.sweep)
        assert (await sweep(now=changed.timestamp() + 10))["flagged"] == 0  # maybe a reconnect: not yet
        assert (await sweep(now=changed.timestamp() + 46))["flagged"] == 1
        flagged = await next_of(dashboard, "presence")
        assert flagged["data"] == {"kind": "offline", "flagged": True}
        assert (await sweep(now=changed.timestamp() + 60))["flagged"] == 0  # once
        await dashboard.disconnect()

    run(scenario)
    session.refresh_from_db()
    assert session.presence == "offline" and session.flagged
