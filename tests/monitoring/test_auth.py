"""Ticket endpoint and socket handshake: single use, expiry, wrong user or target, Origin, roles, ended attempts."""

import time
import uuid

import jwt
import pytest

from exams.services.attempts import apply_action
from exams.state_machine import Action, Actor
from monitoring import tickets
from tests.monitoring.conftest import (
    closed_with,
    connect_dashboard,
    connect_learner,
    dashboard_socket,
    dashboard_ticket,
    learner_socket,
    learner_ticket,
    run,
)

pytestmark = pytest.mark.django_db(transaction=True)


def test_ticket_endpoints_need_a_jwt_and_the_right_user(clients, session, other_learner, course_staff, timed_exam):
    anonymous = clients.anonymous.post(f"/api/v1/proctoring/sessions/{session.pk}/ws_ticket")
    assert anonymous.status_code == 401
    other = clients.of(other_learner).post(f"/api/v1/proctoring/sessions/{session.pk}/ws_ticket")
    assert other.status_code == 404
    learner_on_dashboard = clients.of(other_learner).post(f"/api/v1/proctoring/monitor/exams/{timed_exam.pk}/ws_ticket")
    assert learner_on_dashboard.status_code == 403
    staff = clients.of(course_staff).post(f"/api/v1/proctoring/monitor/exams/{timed_exam.pk}/ws_ticket")
    assert staff.status_code == 200 and staff.json()["expires_in"] == 60


def test_learner_gets_their_session_by_attempt_and_never_anothers(clients, attempt, learner, other_learner):
    mine = clients.of(learner).post("/api/v1/proctoring/sessions", {"attempt_id": attempt.pk}, format="json")
    assert mine.status_code == 200
    again = clients.of(learner).post("/api/v1/proctoring/sessions", {"attempt_id": attempt.pk}, format="json")
    assert again.json()["session_id"] == mine.json()["session_id"]
    session_id = uuid.UUID(mine.json()["session_id"])  # opaque: a UUID, not the attempt id
    assert mine.json()["ws_path"] == f"/ws/v1/proctoring/sessions/{session_id}/"
    theirs = clients.of(other_learner).post("/api/v1/proctoring/sessions", {"attempt_id": attempt.pk}, format="json")
    assert theirs.status_code == 404
    bad = clients.of(learner).post("/api/v1/proctoring/sessions", {"attempt_id": "x"}, format="json")
    assert bad.status_code == 400 and "attempt_id" in bad.json()["detail"]


def test_ticket_is_single_use(clients, learner, session):
    ticket = learner_ticket(clients, learner, session.pk)

    async def scenario():
        first, welcome = await connect_learner(session.pk, ticket)
        assert welcome["data"]["heartbeat_interval_s"] == 10
        await first.disconnect()
        second = learner_socket(session.pk, ticket)
        assert (await second.connect())[0]  # accepted, then closed with an application code
        assert await closed_with(second) == 4401

    run(scenario)


def test_expired_ticket_asks_to_reauthenticate(learner, session, settings):
    claims = {"sub": str(learner.pk), "kind": "session", "target": str(session.pk), "jti": "x", "aud": tickets.AUDIENCE}
    expired = jwt.encode({**claims, "exp": int(time.time()) - 5}, tickets._key(), algorithm="HS256")
    forged = jwt.encode({**claims, "exp": int(time.time()) + 60}, "not-the-key", algorithm="HS256")

    async def scenario():
        for token in (expired, forged, ""):
            communicator = learner_socket(session.pk, token)
            await communicator.connect()
            assert await closed_with(communicator) == 4401

    run(scenario)


def test_ticket_of_another_user_or_session_is_forbidden(clients, learner, other_learner, session, timed_exam):
    other_attempt_session = None
    from exams.services.attempts import create_attempt
    from monitoring.services import ensure_session

    other_attempt = create_attempt(user=other_learner, exam_id=timed_exam.pk, start_clock=True)
    other_attempt_session = ensure_session(attempt=other_attempt)
    ticket_for_other_session = learner_ticket(clients, other_learner, other_attempt_session.pk)
    forged_user, _ = tickets.issue(user_id=other_learner.pk, kind="session", target=str(session.pk))

    async def scenario():
        wrong_target = learner_socket(session.pk, ticket_for_other_session)
        await wrong_target.connect()
        assert await closed_with(wrong_target) == 4403
        wrong_user = learner_socket(session.pk, forged_user)
        await wrong_user.connect()
        assert await closed_with(wrong_user) == 4403

    run(scenario)


def test_wrong_origin_is_forbidden_and_same_host_is_allowed(clients, learner, session):
    ticket = learner_ticket(clients, learner, session.pk)

    async def scenario():
        evil = learner_socket(session.pk, ticket, origin="https://evil.example.com")
        await evil.connect()
        assert await closed_with(evil) == 4403
        # the refused handshake did not burn the ticket: the real page can still use it
        communicator, welcome = await connect_learner(session.pk, ticket)
        assert welcome["type"] == "welcome"
        await communicator.disconnect()

    run(scenario)


def test_dashboard_is_for_course_staff_of_that_course(
    clients, course_staff, other_course_staff, global_staff, timed_exam
):
    from monitoring.tickets import issue

    staff_ticket = dashboard_ticket(clients, course_staff, timed_exam.pk)
    global_ticket = dashboard_ticket(clients, global_staff, timed_exam.pk)
    outsider_ticket, _ = issue(user_id=other_course_staff.pk, kind="exam", target=str(timed_exam.pk))

    async def scenario():
        for ticket in (staff_ticket, global_ticket):
            communicator, snapshot = await connect_dashboard(timed_exam.pk, ticket)
            assert snapshot["type"] == "snapshot"
            await communicator.disconnect()
        outsider = dashboard_socket(timed_exam.pk, outsider_ticket)
        await outsider.connect()
        assert await closed_with(outsider) == 4403

    run(scenario)


def test_ended_attempt_refuses_new_sockets_with_4409(clients, learner, session, attempt):
    ticket = learner_ticket(clients, learner, session.pk)
    apply_action(attempt_id=attempt.pk, action=Action.SUBMIT, actor=Actor.LEARNER, requesting_user=learner)
    refused = clients.of(learner).post(f"/api/v1/proctoring/sessions/{session.pk}/ws_ticket")
    assert refused.status_code == 409

    async def scenario():
        communicator = learner_socket(session.pk, ticket)
        await communicator.connect()
        assert await closed_with(communicator) == 4409

    run(scenario)
