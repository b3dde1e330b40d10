"""Limits: frame size, per-socket message rate, channel capacity overflow (dashboards fill holes), Redis pool."""

import asyncio
import os

import pytest
from channels.db import database_sync_to_async
from channels.exceptions import ChannelFull
from channels.layers import get_channel_layer

from monitoring import fanout, selectors, services
from settings.base import channel_layers
from tests.conftest import redis_up, require_service
from tests.monitoring.conftest import (
    closed_with,
    connect_dashboard,
    connect_learner,
    dashboard_ticket,
    learner_ticket,
    receive,
    record_tab_blur,
    run,
    send,
)

pytestmark = pytest.mark.django_db(transaction=True)
REDIS_URL = os.environ.get("MONITORING_TEST_REDIS_URL", "redis://127.0.0.1:6379/14")


def test_oversized_frame_closes_with_4009(clients, learner, session, settings):
    settings.MONITORING_MAX_FRAME_BYTES = 1000
    ticket = learner_ticket(clients, learner, session.pk)

    async def scenario():
        communicator, _ = await connect_learner(session.pk, ticket)
        await send(communicator, "anomaly", kind="x", severity=0.1, client_seq=1, evidence="e" * 990)
        assert await closed_with(communicator) == 4009

    run(scenario)
    assert not session.events.filter(type="anomaly").exists()


def test_message_rate_drops_then_closes_with_4008(clients, learner, session, settings):
    settings.MONITORING_RATE_PER_SECOND = 0.001  # no refill during the test
    settings.MONITORING_RATE_BURST = 4
    settings.MONITORING_RATE_MAX_DROPS = 2
    ticket = learner_ticket(clients, learner, session.pk)

    async def scenario():
        communicator, _ = await connect_learner(session.pk, ticket)  # hello took one token
        for _ in range(3):
            await send(communicator, "heartbeat", ts=1)
            assert (await receive(communicator))["type"] == "heartbeat_ack"
        for _ in range(2):
            await send(communicator, "heartbeat", ts=1)
            dropped = await receive(communicator)
            assert dropped["type"] == "error" and dropped["data"]["code"] == "rate_limited"
        await send(communicator, "heartbeat", ts=1)
        assert await closed_with(communicator) == 4008

    run(scenario)


def test_full_dashboard_channel_loses_messages_and_the_dashboard_fills_the_hole_from_the_log(
    clients, course_staff, session, settings
):
    settings.CHANNEL_LAYERS = {
        "default": {"BACKEND": "channels.layers.InMemoryChannelLayer", "CONFIG": {"capacity": 2}}
    }
    ticket = dashboard_ticket(clients, course_staff, session.exam_id)

    def record(client_seq):
        anomaly = {"kind": "gaze_away", "severity": 0.2, "client_seq": client_seq}
        event, _ = services.record_anomaly(session_id=session.pk, exam_id=session.exam_id, anomaly=anomaly)
        return selectors.envelope(event)

    async def scenario():
        dashboard, snapshot = await connect_dashboard(session.exam_id, ticket)
        start = snapshot["seq"]
        burst = [await database_sync_to_async(record)(client_seq) for client_seq in range(1, 7)]
        layer = get_channel_layer()
        (channel_name,) = layer.groups[fanout.exam_group(session.exam_id)]
        dropped = 0
        for envelope in burst:  # what group_send does per member, without yielding to the consumer
            try:
                await layer.send(channel_name, fanout.exam_message(envelope))
            except ChannelFull:  # group_send swallows this: the dashboard silently misses the message
                dropped += 1
        assert dropped == 4
        await asyncio.sleep(0.05)
        later = await database_sync_to_async(record)(7)
        await fanout.to_exam(session.exam_id, later)
        received = [(await receive(dashboard))["seq"] for _ in range(7)]
        assert received[:2] == [start + 1, start + 2]  # what fitted in the channel
        assert received[2] == start + 7  # sent at once, then the hole is filled from the log
        assert received[3:] == list(range(start + 3, start + 7))
        assert await dashboard.receive_nothing(0.1)
        await dashboard.disconnect()

    run(scenario)


def test_channel_layer_settings_size_the_pool_and_timeouts():
    pubsub = channel_layers("redis://127.0.0.1:6379/3")["default"]
    assert pubsub["BACKEND"] == "channels_redis.pubsub.RedisPubSubChannelLayer"  # the default
    assert pubsub["CONFIG"]["hosts"][0]["socket_timeout"] > 5
    config = channel_layers("redis://127.0.0.1:6379/3", backend="core")["default"]
    host = config["CONFIG"]["hosts"][0]
    assert config["BACKEND"] == "channels_redis.core.RedisChannelLayer"
    assert host["max_connections"] == 1000 and host["socket_timeout"] > 5  # > channels-redis' 5 s BZPOPMIN
    assert config["CONFIG"]["capacity"] == 1000 and config["CONFIG"]["group_expiry"] >= 86400
    assert channel_layers("")["default"]["BACKEND"] == "channels.layers.InMemoryChannelLayer"


def test_redis_pool_is_sized_for_bursts_that_the_redis_py_8_default_would_refuse():
    require_service("Redis", redis_up(REDIS_URL), f"start redis-server ({REDIS_URL})")
    from channels_redis.core import RedisChannelLayer

    def layer(max_connections):
        config = channel_layers(REDIS_URL, backend="core")["default"]["CONFIG"]
        config["hosts"][0]["max_connections"] = max_connections
        config["prefix"] = f"test-pool-{os.getpid()}"
        return RedisChannelLayer(**config)

    async def burst(channel_layer, sockets=300):
        names = [await channel_layer.new_channel() for _ in range(sockets)]
        results = await asyncio.gather(
            *(channel_layer.group_add("mon.e.1", name) for name in names), return_exceptions=True
        )
        await channel_layer.flush()
        return [result for result in results if isinstance(result, Exception)]

    async def scenario():
        sized = await burst(layer(1000))
        starved = await burst(layer(20))
        return sized, starved

    sized, starved = run(scenario)
    assert sized == []
    assert starved and all("Too many connections" in str(error) for error in starved)


def test_out_of_order_events_are_sent_at_once_and_never_twice(clients, course_staff, session, settings):
    settings.MONITORING_REORDER_WAIT_MS = 2000
    ticket = dashboard_ticket(clients, course_staff, session.exam_id)

    async def scenario():
        dashboard, snapshot = await connect_dashboard(session.exam_id, ticket)
        first, second = [await database_sync_to_async(record_tab_blur)(session, seq) for seq in (1, 2)]
        await fanout.to_exam(session.exam_id, second)  # another process was faster
        assert (await receive(dashboard))["seq"] == snapshot["seq"] + 2
        await fanout.to_exam(session.exam_id, first)
        assert (await receive(dashboard))["seq"] == snapshot["seq"] + 1
        await fanout.to_exam(session.exam_id, second)  # a late duplicate is not sent again
        assert await dashboard.receive_nothing(0.1)
        await dashboard.disconnect()

    run(scenario)


def test_with_a_connection_pool_db_calls_run_on_their_own_threads(monkeypatch):
    import threading

    from django.conf import settings as django_settings

    from monitoring.consumers import db

    options = {**django_settings.DATABASES["default"].get("OPTIONS", {}), "pool": {"max_size": 3}}
    monkeypatch.setitem(django_settings.DATABASES["default"], "OPTIONS", options)

    async def scenario():
        return await db(lambda: threading.current_thread().name)()

    assert run(scenario).startswith("monitoring-db")
