"""Fixtures for the events tests: attempts driven through the real service, captured Open edX events, Redis."""

import os
import uuid

import pytest
import redis
from django.test import override_settings
from openedx_events.event_bus import get_producer

from events.payloads import ALL_SIGNALS
from exams.services.attempts import apply_action, create_attempt
from exams.state_machine import Action, Actor
from tests.conftest import redis_up, require_service

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
UNREACHABLE_REDIS_URL = "redis://127.0.0.1:1/0?socket_connect_timeout=1"


class Captured:
    """Open edX exam events received in process: (event_type, exam_attempt, metadata)."""

    def __init__(self):
        self.events = []

    def __call__(self, sender, signal, exam_attempt, metadata, **kwargs):
        self.events.append((signal.event_type, exam_attempt, metadata))

    @property
    def types(self) -> list[str]:
        return [event_type.split(".")[-2] for event_type, _, _ in self.events]


@pytest.fixture
def captured():
    capture = Captured()
    for signal in ALL_SIGNALS:
        signal.connect(capture, dispatch_uid=f"test-capture-{signal.event_type}")
    yield capture
    for signal in ALL_SIGNALS:
        signal.disconnect(dispatch_uid=f"test-capture-{signal.event_type}")


def proctored_attempt_started(learner, exam):
    """A proctored attempt driven to `started` the way the LTI flow does it."""
    attempt = create_attempt(user=learner, exam_id=exam.pk, start_clock=False)
    for action, actor in (
        (Action.LAUNCH_PROCTORING, Actor.LEARNER),
        (Action.ASSESSMENT_STARTED, Actor.TOOL),
        (Action.START, Actor.LEARNER),
    ):
        attempt = apply_action(
            attempt_id=attempt.pk,
            action=action,
            actor=actor,
            requesting_user=learner if actor == Actor.LEARNER else None,
        )
    return attempt


def submit(attempt, learner):
    return apply_action(attempt_id=attempt.pk, action=Action.SUBMIT, actor=Actor.LEARNER, requesting_user=learner)


def staff(attempt, action, user):
    return apply_action(attempt_id=attempt.pk, action=action, actor=Actor.STAFF, requesting_user=user)


@pytest.fixture
def redis_client():
    require_service("Redis", redis_up(REDIS_URL), f"start redis-server on {REDIS_URL}")
    client = redis.Redis.from_url(REDIS_URL)
    yield client
    client.close()


@pytest.fixture
def redis_bus(redis_client):
    """The Redis Streams bus of edx-event-bus-redis, on a stream prefix of this test only."""
    prefix = f"test-{uuid.uuid4().hex[:12]}"
    with override_settings(
        EVENT_BUS_PRODUCER="edx_event_bus_redis.create_producer",
        EVENT_BUS_CONSUMER="edx_event_bus_redis.RedisEventConsumer",
        EVENT_BUS_REDIS_CONNECTION_URL=REDIS_URL,
        EVENT_BUS_TOPIC_PREFIX=prefix,
    ):
        get_producer.cache_clear()
        yield prefix
    get_producer.cache_clear()
    for key in redis_client.scan_iter(f"{prefix}-*"):
        redis_client.delete(key)
