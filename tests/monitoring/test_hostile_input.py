"""Hostile values at the monitoring surfaces: REST replay parameters, socket messages, unknown socket paths."""

import json

import pytest
from channels.testing import WebsocketCommunicator

from exams_service.asgi import application
from monitoring.selectors import snapshot
from tests.monitoring.conftest import (
    ORIGIN,
    closed_with,
    connect_dashboard,
    connect_learner,
    dashboard_socket,
    dashboard_ticket,
    learner_ticket,
    receive,
    receive_until,
    run,
)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("name", ["after", "limit"])
@pytest.mark.parametrize("raw", ["²", "9" * 5000, "-3", "1.5"])
def test_event_replay_refuses_integers_that_are_not_ascii_digits(clients, course_staff, timed_exam, name, raw):
    url = f"/api/v1/proctoring/monitor/exams/{timed_exam.pk}/events"
    response = clients.of(course_staff).get(url, {name: raw})
    assert response.status_code == 400, response.content
    assert name in response.json()["detail"]


@pytest.mark.parametrize("after", ["²", "9" * 5000])
def test_dashboard_socket_with_hostile_after_gets_a_snapshot(clients, course_staff, timed_exam, after):
    ticket = dashboard_ticket(clients, course_staff, timed_exam.pk)

    async def scenario():
        communicator = dashboard_socket(timed_exam.pk, ticket, after=after)
        connected, _ = await communicator.connect()
        assert connected
        first = await receive(communicator)
        assert first["type"] == "snapshot", first
        await communicator.disconnect()

    run(scenario)


LEARNER_FRAMES = [
    {"v": 1, "type": "heartbeat", "data": "x"},
    {"v": 1, "type": "heartbeat", "data": 5},
    {"v": 1, "type": "anomaly", "data": [1, 2]},
    {"v": 1, "type": "hello", "data": [1]},
    {"v": 1, "type": ["anomaly"], "data": {}},
    {"v": 1, "type": "__init__", "data": {}},
    [1, 2, 3],
    "text",
]


@pytest.mark.parametrize("frame", LEARNER_FRAMES, ids=range(len(LEARNER_FRAMES)))
def test_learner_socket_answers_bad_message_and_stays_open(clients, learner, session, frame):
    ticket = learner_ticket(clients, learner, session.pk)

    async def scenario():
        communicator, _ = await connect_learner(session.pk, ticket)
        await communicator.send_to(text_data=json.dumps(frame))
        error = await receive_until(communicator, "error")
        assert error["data"]["code"] == "bad_message"
        await communicator.send_to(text_data=json.dumps({"v": 1, "type": "heartbeat", "data": {"ts": 1}}))
        assert (await receive_until(communicator, "heartbeat_ack"))["data"]["echo"] == 1
        await communicator.disconnect()

    run(scenario)


def test_deeply_nested_frame_under_the_size_limit_is_a_bad_message(clients, learner, session):
    ticket = learner_ticket(clients, learner, session.pk)

    async def scenario():
        communicator, _ = await connect_learner(session.pk, ticket)
        await communicator.send_to(text_data="[" * 6000)
        assert (await receive_until(communicator, "error"))["data"]["code"] == "bad_message"
        await communicator.send_to(text_data=json.dumps({"v": 1, "type": "heartbeat", "data": {}}))
        assert (await receive_until(communicator, "heartbeat_ack"))["type"] == "heartbeat_ack"
        await communicator.disconnect()

    run(scenario)


@pytest.mark.parametrize("evidence", ["\ud800", "a\x00b", "x\udfff"])
def test_unstorable_evidence_is_refused_and_the_snapshot_stays_readable(clients, learner, session, evidence):
    ticket = learner_ticket(clients, learner, session.pk)

    async def scenario():
        communicator, _ = await connect_learner(session.pk, ticket)
        frame = {
            "v": 1,
            "type": "anomaly",
            "data": {"kind": "gaze", "severity": 0.5, "client_seq": 1, "evidence": evidence},
        }
        await communicator.send_to(text_data=json.dumps(frame))
        error = await receive_until(communicator, "error")
        assert error["data"]["code"] in ("bad_message", "bad_anomaly")
        await communicator.disconnect()

    run(scenario)
    assert not session.events.filter(type="anomaly").exists()
    json.dumps(snapshot(session.exam_id)).encode("utf-8")


DASHBOARD_FRAMES = [
    {"v": 1, "type": "command", "data": 5},
    {"v": 1, "type": "resume", "data": [1]},
    {"v": 1, "type": "command", "data": {"action": "warn", "session_id": "x", "message": "\ud800"}},
    {"v": 1, "type": "resume", "data": {"after": 10**400}},
]


@pytest.mark.parametrize("frame", DASHBOARD_FRAMES, ids=range(len(DASHBOARD_FRAMES)))
def test_dashboard_socket_answers_bad_message_and_stays_open(clients, course_staff, timed_exam, frame):
    ticket = dashboard_ticket(clients, course_staff, timed_exam.pk)

    async def scenario():
        communicator, _ = await connect_dashboard(timed_exam.pk, ticket)
        await communicator.send_to(text_data=json.dumps(frame))
        assert (await receive_until(communicator, "error"))["data"]["code"] == "bad_message"
        await communicator.send_to(text_data=json.dumps({"v": 1, "type": "ping", "data": {}}))
        assert (await receive_until(communicator, "pong"))["type"] == "pong"
        await communicator.disconnect()

    run(scenario)


@pytest.mark.parametrize("path", ["/ws/", "/ws/nope/", "/ws/v1/proctoring/sessions/not-a-uuid/", "/"])
def test_unknown_socket_paths_close_cleanly_with_4404(path):
    async def scenario():
        communicator = WebsocketCommunicator(application, path, headers=[(b"origin", ORIGIN.encode())])
        connected, _ = await communicator.connect()
        assert connected
        assert await closed_with(communicator) == 4404

    run(scenario)
