"""Learner socket: hello/welcome, heartbeats, anomalies with acks, the event log, reconnect with dedupe."""

import pytest

from monitoring.models import OFFLINE, ONLINE, ProctoringSession, SessionEvent
from tests.monitoring.conftest import connect_learner, learner_ticket, receive, receive_until, run, send

pytestmark = pytest.mark.django_db(transaction=True)


def test_hello_heartbeat_and_anomaly_ack(clients, learner, session):
    ticket = learner_ticket(clients, learner, session.pk)

    async def scenario():
        communicator, welcome = await connect_learner(session.pk, ticket)
        assert welcome["sid"] == str(session.pk)
        assert welcome["data"]["resume_from"] == {"client_seq": 0, "server_seq": 2}  # 1 started, 2 online
        await send(communicator, "heartbeat", ts=1234, camera=True, mic=True, focus=True)
        ack = await receive(communicator)
        assert ack["type"] == "heartbeat_ack" and ack["data"]["echo"] == 1234
        await send(communicator, "anomaly", kind="face_absent", severity=0.8, client_seq=1)
        ack = await receive(communicator)
        assert ack["type"] == "ack"
        assert ack["data"] == {"client_seq": 1, "server_seq": 3, "duplicate": False}
        await communicator.disconnect()

    run(scenario)
    event = SessionEvent.objects.get(session=session, client_seq=1)
    assert (event.type, event.kind, event.severity, event.seq) == ("anomaly", "face_absent", 0.8, 3)
    session.refresh_from_db()
    assert session.presence == OFFLINE and not session.flagged  # socket closed: offline at once, flagged only later


def test_invalid_messages_get_errors_not_a_crash(clients, learner, session):
    ticket = learner_ticket(clients, learner, session.pk)

    async def scenario():
        communicator, _ = await connect_learner(session.pk, ticket)
        for bad in (
            {"kind": "Face Absent!", "severity": 0.5, "client_seq": 1},
            {"kind": "x", "severity": 2, "client_seq": 1},
        ):
            await send(communicator, "anomaly", **bad)
            error = await receive(communicator)
            assert error["type"] == "error" and error["data"]["code"] == "bad_anomaly"
        await communicator.send_to(text_data="not json")
        assert (await receive(communicator))["data"]["code"] == "bad_message"
        await send(communicator, "no_such_type")
        assert (await receive(communicator))["data"]["code"] == "bad_message"
        await communicator.disconnect()

    run(scenario)
    assert not SessionEvent.objects.filter(type="anomaly").exists()


def test_reconnect_resumes_and_duplicates_are_recognised(clients, learner, session):
    first_ticket, second_ticket = (learner_ticket(clients, learner, session.pk) for _ in range(2))

    async def first_connection():
        communicator, _ = await connect_learner(session.pk, first_ticket)
        for client_seq in (1, 2):
            await send(communicator, "anomaly", kind="gaze_away", severity=0.3, client_seq=client_seq)
            assert (await receive(communicator))["data"]["duplicate"] is False
        await communicator.disconnect()

    async def second_connection():
        communicator, welcome = await connect_learner(session.pk, second_ticket)
        assert welcome["data"]["resume_from"]["client_seq"] == 2
        # the client did not see the ack of 2 before the drop: it resends 2, then sends 3
        await send(communicator, "anomaly", kind="gaze_away", severity=0.3, client_seq=2)
        duplicate = await receive_until(communicator, "ack")
        await send(communicator, "anomaly", kind="tab_blur", severity=0.5, client_seq=3)
        fresh = await receive_until(communicator, "ack")
        await communicator.disconnect()
        return duplicate, fresh

    run(first_connection)
    original = SessionEvent.objects.get(session=session, client_seq=2)
    duplicate, fresh = run(second_connection)
    assert duplicate["data"] == {"client_seq": 2, "server_seq": original.seq, "duplicate": True}
    assert fresh["data"]["duplicate"] is False and fresh["data"]["server_seq"] > original.seq
    assert SessionEvent.objects.filter(session=session, type="anomaly").count() == 3


def test_a_newer_socket_keeps_the_session_online_when_the_old_one_closes(clients, learner, session):
    old_ticket, new_ticket = (learner_ticket(clients, learner, session.pk) for _ in range(2))

    async def only_old_closes():
        old, _ = await connect_learner(session.pk, old_ticket)
        new, _ = await connect_learner(session.pk, new_ticket)
        await old.disconnect()
        state = await _presence(session.pk)
        await new.disconnect()
        return state

    assert run(only_old_closes) == ONLINE


async def _presence(session_id):
    from channels.db import database_sync_to_async

    return await database_sync_to_async(lambda: ProctoringSession.objects.get(pk=session_id).presence)()
