"""Cache/channel-layer Redis stopped ~10 s while learners' proctoring sockets and a proctor dashboard are connected
to a real ASGI server: learners keep producing anomalies and resend unacknowledged ones after reconnecting; every
anomaly is stored once and shown on the dashboard once, and the sockets work again once Redis is back."""

import asyncio
import time

from monitoring.models import SessionEvent
from tests.faults.conftest import FAULT_TEST
from tests.faults.monitoring_setup import proctor, sessions_for
from tests.faults.processes import asgi, log_text, monitoring_env, redis_server
from tests.faults.ws_clients import Dashboard, Learner, until, until_every_anomaly_shown, wind_down

OUTAGE_SECONDS = 10
LEARNERS = 4

pytestmark = FAULT_TEST


def test_channel_layer_redis_outage_with_open_sockets(database_name, http_port, redis_port, log_dir, timed_exam):
    with redis_server(redis_port, log_dir) as layer:
        env = monitoring_env(database_name, layer.url)
        with asgi(http_port, env, log_dir) as server:
            sessions = sessions_for(http_port, timed_exam, LEARNERS, prefix="layerdown")
            dashboard = Dashboard([http_port], timed_exam.pk, proctor()[1])
            clients = [Learner([http_port], sid, token) for sid, token in sessions]

            async def scenario():
                stop = asyncio.Event()
                tasks = [asyncio.create_task(client.run()) for client in [dashboard, *clients]]
                await until(lambda: all(c.connected.is_set() for c in [dashboard, *clients]), 30, "every socket")
                traffic = [asyncio.create_task(learner.traffic(stop)) for learner in clients]
                await asyncio.sleep(4)
                await asyncio.to_thread(layer.stop)
                await asyncio.sleep(OUTAGE_SECONDS)
                await asyncio.to_thread(layer.start)
                recovered = time.monotonic()
                during = {(c.session_id, seq) for c in clients for seq in range(1, c.sent + 1)}
                await until(lambda: during <= set(dashboard.anomalies()), 30, "the outage's anomalies on the dashboard")
                recovery = time.monotonic() - recovered
                await asyncio.sleep(max(6 - recovery, 0))  # learners keep going after the recovery
                stop.set()
                await asyncio.gather(*traffic)
                await until_every_anomaly_shown(dashboard, clients)
                reconnected = all(c.connected.is_set() for c in [dashboard, *clients])
                await wind_down([dashboard, *clients], tasks)
                return recovery, reconnected

            recovery, reconnected = asyncio.run(scenario())
        assert "Exception in ASGI application" not in log_text(server)  # no socket died of the outage
    assert reconnected, "a socket did not come back after Redis returned"
    for learner in clients:
        stored = list(
            SessionEvent.objects.filter(session_id=learner.session_id, type="anomaly").values_list(
                "client_seq", flat=True
            )
        )
        assert sorted(stored) == list(range(1, learner.sent + 1)), "each anomaly stored exactly once"
    shown = dashboard.anomalies()
    assert set(shown.values()) == {1} and len(shown) == sum(c.sent for c in clients)  # shown once each
    assert dashboard.repeated_within_a_connection() == []
    print(
        f"channel-layer Redis down {OUTAGE_SECONDS}s: {len(shown)} anomalies stored and shown once; "
        f"learner sockets opened {[c.connections for c in clients]}, dashboard {dashboard.connections}, "
        f"closes {[c.closes for c in clients]} / {dashboard.closes}; "
        f"the outage's anomalies shown {recovery:.1f}s after recovery"
    )
