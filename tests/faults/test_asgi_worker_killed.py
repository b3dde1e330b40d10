"""One of two ASGI server processes (sharing the Redis channel layer and cache) killed with SIGKILL while learners
send anomalies and a proctor dashboard watches from it: its learners reconnect to the other process and resend
what was not acknowledged, the dashboard reconnects there and resumes after its last seq; every event after that
arrives exactly once, in order, and every anomaly is stored and shown once."""

import asyncio
import os
import signal
import time

from monitoring.models import SessionEvent
from tests.faults.conftest import FAULT_TEST, HTTP_PORTS, call
from tests.faults.monitoring_setup import proctor, sessions_for
from tests.faults.processes import asgi, log_text, monitoring_env, redis_server
from tests.faults.ws_clients import Dashboard, Learner, until, until_every_anomaly_shown, wind_down

LEARNERS = 6

pytestmark = FAULT_TEST


def logged_seqs(port: int, exam_id: int, after: int, user) -> list[int]:
    """The exam's log after `after`, read through the dashboards' REST replay."""
    seqs = []
    while True:
        url = f"http://127.0.0.1:{port}/api/v1/proctoring/monitor/exams/{exam_id}/events?after={after}&limit=500"
        status, page = call("GET", url, user)
        assert status == 200, page
        seqs += [event["seq"] for event in page["events"]]
        if not page["has_more"]:
            return seqs
        after = seqs[-1]


def test_asgi_process_killed_with_a_dashboard_attached(database_name, http_port, redis_port, log_dir, timed_exam):
    port_a, port_b = http_port, next(HTTP_PORTS)
    with redis_server(redis_port, log_dir) as layer:
        env = monitoring_env(database_name, layer.url)
        with asgi(port_a, env, log_dir) as doomed, asgi(port_b, env, log_dir) as survivor:
            sessions = sessions_for(port_b, timed_exam, LEARNERS, prefix="asgikill")
            staff, staff_token = proctor()
            dashboard = Dashboard([port_a, port_b], timed_exam.pk, staff_token)
            on_a = [Learner([port_a, port_b], sid, token) for sid, token in sessions[: LEARNERS // 2]]
            on_b = [Learner([port_b, port_a], sid, token) for sid, token in sessions[LEARNERS // 2 :]]
            clients = on_a + on_b

            async def scenario():
                stop = asyncio.Event()
                tasks = [asyncio.create_task(client.run()) for client in [dashboard, *clients]]
                await until(lambda: all(c.connected.is_set() for c in [dashboard, *clients]), 30, "every socket")
                first_seq = dashboard.snapshot_seq
                traffic = [asyncio.create_task(learner.traffic(stop, every=0.5)) for learner in clients]
                await asyncio.sleep(4)
                os.killpg(doomed.pid, signal.SIGKILL)  # the dashboard's and half the learners' process
                killed = time.monotonic()
                await until(lambda: dashboard.connections == 2 and dashboard.connected.is_set(), 30, "the dashboard")
                await until(lambda: all(c.connected.is_set() for c in on_a), 30, "the learners on the other process")
                reconnect_seconds = time.monotonic() - killed
                await asyncio.sleep(5)
                stop.set()
                await asyncio.gather(*traffic)
                await until_every_anomaly_shown(dashboard, clients)
                await wind_down([dashboard, *clients], tasks)
                return first_seq, reconnect_seconds

            first_seq, reconnect_seconds = asyncio.run(scenario())
            logged = logged_seqs(port_b, timed_exam.pk, first_seq, staff)
        assert "Exception in ASGI application" not in log_text(survivor)
    assert [c.connections for c in on_a] == [2] * len(on_a) and [c.connections for c in on_b] == [1] * len(on_b)
    for learner in clients:
        stored = SessionEvent.objects.filter(session_id=learner.session_id, type="anomaly")
        assert sorted(stored.values_list("client_seq", flat=True)) == list(range(1, learner.sent + 1))  # once each
    # the dashboard: every logged event after its first snapshot, once, nothing else
    assert sorted(dashboard.events) == logged
    assert dashboard.repeated_within_a_connection() == []
    [(after, replayed)] = dashboard.resumes  # one resume, on the surviving process
    assert replayed == list(range(after + 1, after + 1 + len(replayed)))  # in order, from the last seen seq
    shown = dashboard.anomalies()
    assert set(shown.values()) == {1} and len(shown) == sum(c.sent for c in clients)
    print(
        f"ASGI process SIGKILLed: {len(shown)} anomalies stored and shown once, {len(logged)} events on the "
        f"dashboard once each; resumed after seq {after} with {len(replayed)} replayed; "
        f"every socket back on the other process in {reconnect_seconds:.1f}s"
    )
