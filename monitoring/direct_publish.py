"""Group sends from sync code as one Redis PUBLISH in the caller's thread (the pub/sub channel layer only).

Handing a send to the publisher thread (`monitoring.fanout`) costs a thread wake-up, an event-loop turn and an
asyncio round trip: about a quarter of a learner's stop/start in CPU (bench/profile_endpoint.py). With
channels_redis' `RedisPubSubChannelLayer` on one host, a group send is a single PUBLISH of the layer's own
encoding to the group's channel, which a plain redis-py client sends in one round trip. The channel name follows
the layer's naming (pinned by tests/monitoring/test_direct_publish.py against a real subscriber).

Order and outages: a send goes direct only while the publisher thread has nothing queued, so sends stay in
submission order. A failure (Redis down or slower than `CHANNEL_LAYER_DIRECT_PUBLISH_TIMEOUT_SECONDS`) hands
that send to the publisher thread and keeps sends there for `CIRCUIT_SECONDS`: a hung Redis costs one short
timeout per process and window, never one per request. A PUBLISH whose reply timed out may still have gone
out, and the thread sends it again: dashboards drop a seq they already have (`ExamDashboardConsumer`), learner
frames carry their seq. `CHANNEL_LAYER_DIRECT_PUBLISH_TIMEOUT_SECONDS=0` turns this off.
"""

import logging
import threading
import time

import redis
from channels_redis.pubsub import RedisPubSubChannelLayer
from django.conf import settings

log = logging.getLogger(__name__)

CIRCUIT_SECONDS = 5.0


def group_channel(layer_config: dict, group: str) -> str:
    """The Redis channel the pub/sub layer with this CONFIG publishes a group's messages to (its own naming)."""
    return f"{layer_config.get('prefix', 'asgi')}__group__{group}"


class DirectPublisher:
    """One per process: a redis-py client for the layer's host, and the circuit that bypasses it after a failure."""

    def __init__(self, clock=time.monotonic):
        self._clock = clock
        self._lock = threading.Lock()
        self._client_key = None
        self._client: redis.Redis | None = None
        self._closed_until = -1.0

    def publish(self, layer, group: str, message: dict) -> bool:
        """True when the message was published here; False: the caller hands it to the publisher thread."""
        target = self._target(layer)
        if target is None or self._clock() < self._closed_until:
            return False
        client, channel = self._client_for(target), group_channel(target[1], group)
        try:
            client.publish(channel, layer.serialize(message))
        except (redis.RedisError, OSError) as error:
            self._closed_until = self._clock() + CIRCUIT_SECONDS
            log.warning(
                "Direct publish to %s failed (%s); the publisher thread sends for %ss", group, error, CIRCUIT_SECONDS
            )
            return False
        return True

    @staticmethod
    def _target(layer) -> tuple[str, dict, float] | None:
        """(Redis URL, the layer's CONFIG, timeout) when `layer` is the pub/sub layer on one host and this is on."""
        timeout = settings.CHANNEL_LAYER_DIRECT_PUBLISH_TIMEOUT_SECONDS
        if timeout <= 0 or not isinstance(layer, RedisPubSubChannelLayer):
            return None
        config = settings.CHANNEL_LAYERS.get("default", {}).get("CONFIG", {})
        hosts = config.get("hosts") or []
        if len(hosts) != 1:
            return None
        address = hosts[0]["address"] if isinstance(hosts[0], dict) else hosts[0]
        if not isinstance(address, str):
            return None
        return address, config, timeout

    def _client_for(self, target: tuple[str, dict, float]) -> redis.Redis:
        with self._lock:
            if self._client_key != target:  # first use, or the settings changed (tests)
                address, _, timeout = target
                self._client = redis.Redis.from_url(address, socket_timeout=timeout, socket_connect_timeout=timeout)
                self._client_key = target
            return self._client
