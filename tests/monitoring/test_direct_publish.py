"""Group sends from sync code as one PUBLISH in the caller's thread (`monitoring.direct_publish`); the delivery to a
real subscriber is tests/monitoring/test_fanout.py::test_sync_sends_reach_redis_subscribers_in_order."""

import contextlib
import logging
import socket
import threading
import time

import pytest
from channels.layers import get_channel_layer

from monitoring import fanout
from monitoring.direct_publish import CIRCUIT_SECONDS, DirectPublisher
from settings.base import channel_layers
from tests.conftest import redis_up, require_service

REDIS_URL = "redis://127.0.0.1:6379/12"
REFUSED_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1


def envelope(seq: int) -> dict:
    return {"v": 1, "type": "status", "sid": "s", "seq": seq, "ts": 0, "data": {"kind": "ready_to_submit"}}


@pytest.fixture
def refused_layer(settings):
    settings.CHANNEL_LAYERS = channel_layers(REFUSED_URL)
    settings.CHANNEL_LAYER_SOCKET_TIMEOUT = 1
    yield get_channel_layer()


def test_a_send_redis_refuses_goes_to_the_publisher_thread_and_nothing_is_raised(refused_layer, thread_sends, caplog):
    with caplog.at_level(logging.WARNING):
        fanout.to_exam_sync(6161, envelope(7))  # the learner's request is not failed by the channel layer
        assert fanout.flush(20)

    assert thread_sends == [7]  # handed over, and the thread's own failure is logged as before
    assert "Direct publish to mon.e.6161 failed" in caplog.text
    assert "Fan-out of event 7 to exam 6161 failed; dashboards fill it from the log" in caplog.text


def test_after_a_failure_sends_skip_the_direct_path_for_the_circuit_window(refused_layer, caplog):
    now = [1000.0]
    publisher = DirectPublisher(clock=lambda: now[0])
    message = fanout.exam_message(envelope(1))

    with caplog.at_level(logging.WARNING):
        assert publisher.publish(refused_layer, "mon.e.1", message) is False
        assert publisher.publish(refused_layer, "mon.e.1", message) is False  # inside the window: not tried
        now[0] += CIRCUIT_SECONDS
        assert publisher.publish(refused_layer, "mon.e.1", message) is False  # tried again after it

    assert caplog.text.count("Direct publish to mon.e.1 failed") == 2


def test_switched_off_or_another_layer_never_publishes_directly(settings):
    require_service("Redis", redis_up(REDIS_URL), f"start redis-server ({REDIS_URL})")
    settings.CHANNEL_LAYERS = channel_layers(REDIS_URL)
    publisher, message = DirectPublisher(), fanout.exam_message(envelope(1))
    assert publisher.publish(get_channel_layer(), "mon.e.1", message) is True
    settings.CHANNEL_LAYER_DIRECT_PUBLISH_TIMEOUT_SECONDS = 0
    assert publisher.publish(get_channel_layer(), "mon.e.1", message) is False
    settings.CHANNEL_LAYER_DIRECT_PUBLISH_TIMEOUT_SECONDS = 0.25
    settings.CHANNEL_LAYERS = channel_layers(REDIS_URL, backend="core")  # per-channel lists: not a PUBLISH
    assert publisher.publish(get_channel_layer(), "mon.e.1", message) is False


@pytest.fixture
def hung_redis_url():
    """A TCP server that accepts and never answers: a Redis that hangs."""
    server = socket.create_server(("127.0.0.1", 0))
    accepted = []

    def accept_forever():
        with contextlib.suppress(OSError):
            while True:
                accepted.append(server.accept()[0])

    threading.Thread(target=accept_forever, daemon=True).start()
    yield f"redis://127.0.0.1:{server.getsockname()[1]}/0"
    server.close()
    for connection in accepted:
        connection.close()


def test_a_hung_redis_costs_one_short_timeout_per_window_not_one_per_send(hung_redis_url, settings):
    settings.CHANNEL_LAYERS = channel_layers(hung_redis_url)
    settings.CHANNEL_LAYER_DIRECT_PUBLISH_TIMEOUT_SECONDS = 0.2
    publisher, message = DirectPublisher(), fanout.exam_message(envelope(1))

    started = time.monotonic()
    assert publisher.publish(get_channel_layer(), "mon.e.1", message) is False
    first = time.monotonic() - started
    started = time.monotonic()
    for _ in range(50):
        assert publisher.publish(get_channel_layer(), "mon.e.1", message) is False
    rest = time.monotonic() - started

    assert 0.15 <= first < 2  # the timeout, not the layer's 15 s socket timeout
    assert rest < 0.5  # the circuit: no send waits on the hung server again within the window
