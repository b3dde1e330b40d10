"""Hand one event to the configured event bus, raising when it did not get there.

The libraries' producers log and swallow delivery errors (the event is lost). The outbox needs to know,
so for Redis Streams the message is built with edx-event-bus-redis's own pieces (same stream name,
fields and Avro bytes as its producer) and added here, letting errors propagate. Other producers (Kafka)
are called through their public `send`; they queue and report delivery themselves.

A Redis write is idempotent per `delivery_key`: the stream entry and a marker key are written by one script, so
a publish re-driven after its worker died (or after a reply lost on the way back) does not add the entry twice.
"""

from django.conf import settings
from openedx_events.data import EventsMetadata
from openedx_events.event_bus import EventBusProducer, NoEventBusProducer, get_producer
from openedx_events.event_bus.avro.serializer import serialize_event_data_to_bytes
from openedx_events.tooling import OpenEdxPublicSignal


class DeliveryError(Exception):
    """The bus could not take the event now (unreachable, misconfigured); try again later."""


def bus_enabled() -> bool:
    """False in the embedded default: events are in-process Open edX signals only."""
    return bool(getattr(settings, "EVENT_BUS_PRODUCER", None))


def enabled_topics(event_type: str) -> list[tuple[str, str]]:
    """(topic, event_key_field) pairs enabled for the event type in EVENT_BUS_PRODUCER_CONFIG."""
    config = getattr(settings, "EVENT_BUS_PRODUCER_CONFIG", {}).get(event_type, {})
    return [(topic, conf["event_key_field"]) for topic, conf in config.items() if conf.get("enabled") is True]


# KEYS: stream, marker; ARGV: marker TTL, MAXLEN, then field, value, ... → the entry id, or nil when already added
ADD_ONCE = """
if redis.call('SET', KEYS[2], '1', 'NX', 'EX', ARGV[1]) then
  return redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[2], '*', unpack(ARGV, 3))
end
return false
"""
DELIVERED_MARKER_SECONDS = 7 * 24 * 3600  # longer than any outbox retry; a replay uses a new delivery key


def _add_to_redis_stream(
    producer, *, signal, topic: str, event_data: dict, metadata: EventsMetadata, delivery_key: str
) -> bytes | None:
    from edx_event_bus_redis.internal.config import get_full_topic
    from edx_event_bus_redis.internal.message import RedisMessage
    from edx_event_bus_redis.internal.producer import STREAM_MAX_LEN

    full_topic = get_full_topic(topic)
    event_bytes = serialize_event_data_to_bytes(event_data, signal)
    message = RedisMessage(topic=full_topic, event_data=event_bytes, event_metadata=metadata)
    fields = [item for pair in message.to_binary_dict().items() for item in pair]
    marker = f"{full_topic}:delivered:{delivery_key}"
    return producer.client.eval(ADD_ONCE, 2, full_topic, marker, DELIVERED_MARKER_SECONDS, STREAM_MAX_LEN, *fields)


def _is_redis_producer(producer: EventBusProducer) -> bool:
    try:
        from edx_event_bus_redis.internal.producer import RedisEventProducer
    except ImportError:  # pragma: no cover - the Redis backend is a base requirement
        return False
    return isinstance(producer, RedisEventProducer)


def deliver(*, signal: OpenEdxPublicSignal, event_data: dict, metadata: EventsMetadata, delivery_key: str) -> int:
    """Publish to every enabled topic; returns how many. Raises DeliveryError when the bus refused.

    `delivery_key` names this delivery: Redis adds an entry once per key (a re-drive after a lost reply or a
    killed worker is not a second entry); an operator's replay passes a new key.
    """
    if not bus_enabled():
        return 0
    producer = get_producer()
    if isinstance(producer, NoEventBusProducer):
        raise DeliveryError(
            f"EVENT_BUS_PRODUCER={settings.EVENT_BUS_PRODUCER!r} could not be loaded (is its connection configured?)"
        )
    topics = enabled_topics(signal.event_type)
    for topic, event_key_field in topics:
        try:
            if _is_redis_producer(producer):
                _add_to_redis_stream(
                    producer,
                    signal=signal,
                    topic=topic,
                    event_data=event_data,
                    metadata=metadata,
                    delivery_key=delivery_key,
                )
            else:
                producer.send(
                    signal=signal,
                    topic=topic,
                    event_key_field=event_key_field,
                    event_data=event_data,
                    event_metadata=metadata,
                )
        except Exception as exc:  # noqa: BLE001 - any bus failure means "not delivered, retry"
            raise DeliveryError(f"{type(exc).__name__}: {exc}") from exc
    return len(topics)
