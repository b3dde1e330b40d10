"""Fixtures for the monitoring tests: a running attempt with its session, tickets, WebSocket communicators."""

import json

import pytest
from asgiref.sync import async_to_sync
from channels.testing import WebsocketCommunicator
from django.core.cache import cache

from exams.services.attempts import create_attempt
from exams_service.asgi import application
from monitoring import fanout, selectors, services
from monitoring.direct_publish import DirectPublisher
from monitoring.services import ensure_session

ORIGIN = "http://test.exams:18740"


def run(coroutine_function):
    """Run an async scenario from a sync test (DB calls go through Channels' database_sync_to_async)."""
    return async_to_sync(coroutine_function)()


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def attempt(learner, timed_exam):
    return create_attempt(user=learner, exam_id=timed_exam.pk, start_clock=True)


@pytest.fixture
def session(attempt):
    return ensure_session(attempt=attempt)


def learner_ticket(clients, user, session_id) -> str:
    response = clients.of(user).post(f"/api/v1/proctoring/sessions/{session_id}/ws_ticket")
    assert response.status_code == 200, response.content
    return response.json()["ticket"]


def dashboard_ticket(clients, user, exam_id) -> str:
    response = clients.of(user).post(f"/api/v1/proctoring/monitor/exams/{exam_id}/ws_ticket")
    assert response.status_code == 200, response.content
    return response.json()["ticket"]


def learner_socket(session_id, ticket, origin=ORIGIN) -> WebsocketCommunicator:
    headers = [(b"origin", origin.encode())] if origin else []
    path = f"/ws/v1/proctoring/sessions/{session_id}/?ticket={ticket}"
    return WebsocketCommunicator(application, path, headers=headers)


def dashboard_socket(exam_id, ticket, after=None, origin=ORIGIN) -> WebsocketCommunicator:
    query = f"ticket={ticket}" + (f"&after={after}" if after is not None else "")
    headers = [(b"origin", origin.encode())] if origin else []
    return WebsocketCommunicator(application, f"/ws/v1/proctoring/monitor/exams/{exam_id}/?{query}", headers=headers)


async def send(communicator, type_, **data):
    await communicator.send_to(text_data=json.dumps({"v": 1, "type": type_, "data": data}))


async def receive(communicator, timeout=3):
    return await communicator.receive_json_from(timeout=timeout)


async def receive_until(communicator, type_, timeout=3):
    """Skip messages until one of `type_` (returns it)."""
    for _ in range(50):
        message = await receive(communicator, timeout)
        if message["type"] == type_:
            return message
    raise AssertionError(f"no {type_} message")


async def closed_with(communicator, timeout=3) -> int:
    """The close code after an accepted handshake (an `error` message comes first)."""
    while True:
        output = await communicator.receive_output(timeout)
        if output["type"] == "websocket.close":
            return output.get("code")


async def connect_learner(session_id, ticket):
    communicator = learner_socket(session_id, ticket)
    connected, _ = await communicator.connect()
    assert connected
    await send(communicator, "hello", client_id="c1", last_server_seq=0)
    welcome = await receive_until(communicator, "welcome")
    return communicator, welcome


async def connect_dashboard(exam_id, ticket, after=None):
    communicator = dashboard_socket(exam_id, ticket, after=after)
    connected, _ = await communicator.connect()
    assert connected
    first = await receive(communicator)
    return communicator, first


def record_tab_blur(session, client_seq: int) -> dict:
    """Store a learner's anomaly as its socket would and return the envelope dashboards receive."""
    anomaly = {"kind": "tab_blur", "severity": 0.5, "client_seq": client_seq}
    event, _ = services.record_anomaly(session_id=session.pk, exam_id=session.exam_id, anomaly=anomaly)
    return selectors.envelope(event)


@pytest.fixture(autouse=True)
def _fresh_direct_publisher(monkeypatch):
    """Each test starts with the direct path closed to no one: a failure's 5 s circuit must not leak into the next."""
    monkeypatch.setattr(fanout, "_direct", DirectPublisher())


@pytest.fixture
def thread_sends(monkeypatch):
    """The seqs of the exam events that reached `monitoring.fanout`'s publisher thread (its coroutine's calls)."""
    seen = []
    real = fanout.to_exam

    async def recording(exam_id, envelope):
        seen.append(envelope["seq"])
        await real(exam_id, envelope)

    monkeypatch.setattr(fanout, "to_exam", recording)
    return seen
