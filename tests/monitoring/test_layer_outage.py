"""The channel layer's Redis going away (tests/faults/test_channel_layer_outage.py runs it for real): a learner's
socket survives a failed fan-out, and a dashboard's hole flush that could not be sent is sent once Redis is back."""

import pytest
import redis
from channels.db import database_sync_to_async
from channels.layers import InMemoryChannelLayer

from monitoring import fanout
from tests.monitoring.conftest import (
    connect_dashboard,
    connect_learner,
    dashboard_ticket,
    learner_ticket,
    receive,
    receive_until,
    record_tab_blur,
    run,
    send,
)

pytestmark = pytest.mark.django_db(transaction=True)


class RedisAwayLayer(InMemoryChannelLayer):
    """The in-memory layer, raising what channels_redis raises while its server is down when `down` is set."""

    down = False

    async def group_send(self, group, message):
        if RedisAwayLayer.down:
            raise redis.ConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")
        await super().group_send(group, message)

    async def send(self, channel, message):
        if RedisAwayLayer.down:
            raise redis.ConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")
        await super().send(channel, message)


@pytest.fixture(autouse=True)
def redis_away_layer(settings):
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "tests.monitoring.test_layer_outage.RedisAwayLayer"}}
    RedisAwayLayer.down = False
    yield
    RedisAwayLayer.down = False


def test_an_anomaly_whose_fan_out_fails_is_acked_and_the_socket_stays_open(clients, learner, session):
    ticket = learner_ticket(clients, learner, session.pk)

    async def scenario():
        socket, _ = await connect_learner(session.pk, ticket)
        RedisAwayLayer.down = True
        await send(socket, "anomaly", kind="face_absent", severity=0.5, client_seq=1)
        ack = await receive_until(socket, "ack")
        await send(socket, "heartbeat", ts=1)
        heartbeat = await receive_until(socket, "heartbeat_ack")  # the socket still works
        RedisAwayLayer.down = False
        await socket.disconnect()
        return ack, heartbeat

    ack, heartbeat = run(scenario)
    assert ack["data"]["duplicate"] is False and heartbeat["data"]["echo"] == 1
    assert list(session.events.filter(type="anomaly").values_list("client_seq", flat=True)) == [1]


def test_a_hole_flush_that_could_not_be_sent_is_sent_when_redis_is_back(clients, course_staff, session, settings):
    settings.MONITORING_REORDER_WAIT_MS = 100
    ticket = dashboard_ticket(clients, course_staff, session.exam_id)

    async def scenario():
        dashboard, snapshot = await connect_dashboard(session.exam_id, ticket)
        first, second = [await database_sync_to_async(record_tab_blur)(session, seq) for seq in (1, 2)]
        await fanout.to_exam(session.exam_id, second)  # the first one's fan-out was lost
        assert (await receive(dashboard))["seq"] == second["seq"]
        RedisAwayLayer.down = True  # when the flush is due, the layer is away
        assert await dashboard.receive_nothing(0.5)
        RedisAwayLayer.down = False
        filled = await receive(dashboard, timeout=3)
        await dashboard.disconnect()
        return first, filled

    first, filled = run(scenario)
    assert filled["seq"] == first["seq"]  # the hole is filled from the log
