"""Dashboard socket: snapshot, live sequenced events, resume after reconnect, replay over REST, commands."""

import pytest

from exams import statuses
from exams.models import ExamAttempt
from exams.services.attempt_clock import add_extra_time
from exams.services.attempts import apply_action, create_attempt
from exams.state_machine import Action, Actor
from monitoring.models import SessionEvent
from monitoring.services import ensure_session
from tests.monitoring.conftest import (
    closed_with,
    connect_dashboard,
    connect_learner,
    dashboard_ticket,
    learner_ticket,
    receive,
    receive_until,
    run,
    send,
)

pytestmark = pytest.mark.django_db(transaction=True)


def test_snapshot_then_live_presence_anomalies_and_status(clients, learner, course_staff, session, attempt):
    staff_ticket = dashboard_ticket(clients, course_staff, session.exam_id)
    learner_ticket_ = learner_ticket(clients, learner, session.pk)

    async def scenario():
        dashboard, snapshot = await connect_dashboard(session.exam_id, staff_ticket)
        assert snapshot["type"] == "snapshot" and snapshot["seq"] == 1  # the attempt's start
        (row,) = snapshot["data"]["sessions"]
        assert row["sid"] == str(session.pk) and row["attempt_status"] == "started" and row["presence"] == "offline"
        learner_socket, _ = await connect_learner(session.pk, learner_ticket_)
        online = await receive(dashboard)
        assert (online["type"], online["seq"], online["data"]["kind"]) == ("presence", 2, "online")
        await send(learner_socket, "anomaly", kind="multiple_faces", severity=0.9, client_seq=7)
        await receive_until(learner_socket, "ack")
        anomaly = await receive(dashboard)
        assert anomaly["type"] == "anomaly" and anomaly["seq"] == 3 and anomaly["sid"] == str(session.pk)
        assert anomaly["data"] == {"kind": "multiple_faces", "severity": 0.9, "client_seq": 7}
        # a status change made elsewhere (the learner submits over REST) is bridged on commit
        url = f"/api/v1/exams/attempt/{attempt.pk}"
        response = await database_sync(lambda: clients.of(learner).put(url, {"action": "submit"}, format="json"))
        assert response.status_code == 200, response.content
        status = await receive(dashboard)
        assert (status["type"], status["seq"], status["data"]["kind"]) == ("status", 4, "submitted")
        assert status["data"]["from"] == "started" and status["data"]["action"] == "submit"
        ended = await receive_until(learner_socket, "ended")
        assert ended["data"] == {"status": "submitted", "reason": "submit"}
        assert await closed_with(learner_socket) == 4409
        await dashboard.disconnect()

    run(scenario)


def test_snapshot_lists_last_anomalies_per_session(clients, course_staff, session, settings):
    settings.MONITORING_SNAPSHOT_ANOMALIES = 2
    from monitoring.services import record_anomaly

    for client_seq in range(1, 5):
        anomaly = {"kind": f"k{client_seq}", "severity": 0.1, "client_seq": client_seq}
        record_anomaly(session_id=session.pk, exam_id=session.exam_id, anomaly=anomaly)
    response = clients.of(course_staff).get(f"/api/v1/proctoring/monitor/exams/{session.exam_id}/sessions")
    assert response.status_code == 200
    (row,) = response.json()["data"]["sessions"]
    assert [event["data"]["kind"] for event in row["anomalies"]] == ["k4", "k3"]


def test_reconnecting_dashboard_resumes_after_its_last_seq(clients, course_staff, session):
    from monitoring.services import record_anomaly

    first, second = (dashboard_ticket(clients, course_staff, session.exam_id) for _ in range(2))
    for client_seq in (1, 2, 3):
        record_anomaly(session_id=session.pk, exam_id=session.exam_id, anomaly=_anomaly(client_seq))

    async def scenario():
        dashboard, snapshot = await connect_dashboard(session.exam_id, first)
        assert snapshot["seq"] == 4
        await dashboard.disconnect()
        resumed, replayed = await connect_dashboard(session.exam_id, second, after=2)
        assert (replayed["type"], replayed["seq"]) == ("anomaly", 3)
        assert (await receive(resumed))["seq"] == 4
        done = await receive(resumed)
        assert (done["type"], done["seq"]) == ("resumed", 4)
        await send(resumed, "resume", after=3)  # resume on the same socket after a client-side hole
        assert (await receive(resumed))["seq"] == 4
        await send(resumed, "sync")
        assert (await receive_until(resumed, "snapshot"))["seq"] == 4
        await resumed.disconnect()

    run(scenario)


def test_resume_beyond_the_replay_limit_sends_gap_then_snapshot(clients, course_staff, session, settings):
    from monitoring.services import record_anomaly

    settings.MONITORING_REPLAY_LIMIT = 2
    ticket = dashboard_ticket(clients, course_staff, session.exam_id)
    for client_seq in (1, 2, 3, 4):
        record_anomaly(session_id=session.pk, exam_id=session.exam_id, anomaly=_anomaly(client_seq))

    async def scenario():
        dashboard, gap = await connect_dashboard(session.exam_id, ticket, after=0)
        assert gap["type"] == "gap"
        snapshot = await receive(dashboard)
        assert (snapshot["type"], snapshot["seq"]) == ("snapshot", 5)
        await dashboard.disconnect()

    run(scenario)


def test_replay_endpoint_pages_through_the_log(clients, course_staff, learner, session):
    from monitoring.services import record_anomaly

    for client_seq in (1, 2, 3):
        record_anomaly(session_id=session.pk, exam_id=session.exam_id, anomaly=_anomaly(client_seq))
    url = f"/api/v1/proctoring/monitor/exams/{session.exam_id}/events"
    page = clients.of(course_staff).get(url, {"after": 1, "limit": 2}).json()
    assert [event["seq"] for event in page["events"]] == [2, 3]
    assert page["has_more"] is True and page["last_seq"] == 4
    rest = clients.of(course_staff).get(url, {"after": 3, "session_id": str(session.pk)}).json()
    assert [event["seq"] for event in rest["events"]] == [4] and rest["has_more"] is False
    assert clients.of(learner).get(url).status_code == 403
    assert clients.of(course_staff).get(url, {"after": "x"}).status_code == 400
    assert clients.of(course_staff).get(url, {"session_id": "nope"}).status_code == 400
    assert clients.of(course_staff).get("/api/v1/proctoring/monitor/exams/999999/events").status_code == 404


def test_commands_reach_the_learner_and_the_attempt_state_machine(clients, learner, course_staff, session, attempt):
    staff_ticket = dashboard_ticket(clients, course_staff, session.exam_id)
    learner_ticket_ = learner_ticket(clients, learner, session.pk)

    async def scenario():
        dashboard, _ = await connect_dashboard(session.exam_id, staff_ticket)
        learner_socket, _ = await connect_learner(session.pk, learner_ticket_)
        await receive_until(dashboard, "presence")
        results = {}
        for action in ("warn", "pause", "resume", "terminate"):
            await send(
                dashboard, "command", session_id=str(session.pk), action=action, message="Eyes on screen", reason="Ph"
            )
            command = await receive_until(learner_socket, "command")
            assert command["data"]["action"] == action
            results[action] = command
            if action == "pause":
                paused = await database_sync(lambda: ExamAttempt.objects.get(pk=attempt.pk).paused_at)
                assert paused is not None
        assert results["warn"]["data"]["message"] == "Eyes on screen"
        ended = await receive_until(learner_socket, "ended")
        assert ended["data"] == {"status": "error", "reason": "proctor_terminate"}
        assert await closed_with(learner_socket) == 4409
        kinds = []
        while True:
            message = await receive(dashboard)
            if message["type"] == "status":
                break
            kinds.append((message["type"], message["data"].get("kind") or message["data"].get("action")))
        assert message["data"]["kind"] == "error"
        assert ("command", "warn") in kinds and ("clock", "paused") in kinds and ("clock", "resumed") in kinds
        # a command on an attempt that is over is refused, not an exception
        await send(dashboard, "command", session_id=str(session.pk), action="pause")
        refused = await receive_until(dashboard, "command_result")
        assert refused["data"]["ok"] is False and "not in progress" in refused["data"]["detail"]
        await send(dashboard, "command", session_id="not-a-uuid", action="warn")
        assert (await receive_until(dashboard, "command_result"))["data"]["ok"] is False
        await dashboard.disconnect()

    run(scenario)
    attempt.refresh_from_db()
    assert attempt.status == statuses.ERROR and attempt.paused_at is None
    warn = SessionEvent.objects.get(type="command", kind="warn")
    assert warn.actor == course_staff and warn.data["by"] == "course_staff"


def test_commands_only_for_sessions_of_the_dashboards_exam(
    clients, course_staff, other_learner, session, proctored_exam
):
    other = create_attempt(user=other_learner, exam_id=proctored_exam.pk, start_clock=True)
    apply_action(attempt_id=other.pk, action=Action.CLICK_DOWNLOAD_SOFTWARE, actor=Actor.LEARNER)
    other_session = ensure_session(attempt=other)
    ticket = dashboard_ticket(clients, course_staff, session.exam_id)

    async def scenario():
        dashboard, _ = await connect_dashboard(session.exam_id, ticket)
        await send(dashboard, "command", session_id=str(other_session.pk), action="warn")
        result = await receive_until(dashboard, "command_result")
        await dashboard.disconnect()
        return result

    result = run(scenario)
    assert result["data"]["ok"] is False and result["data"]["detail"] == "No such session in this exam."


def test_extra_time_is_logged_without_a_learner_command(session, attempt):
    add_extra_time(attempt_id=attempt.pk, seconds=120)
    assert SessionEvent.objects.filter(type="clock").values_list("kind", flat=True).get() == "extended"


async def database_sync(fn):
    from channels.db import database_sync_to_async

    return await database_sync_to_async(fn)()


def _anomaly(client_seq):
    return {"kind": "gaze_away", "severity": 0.2, "client_seq": client_seq}
