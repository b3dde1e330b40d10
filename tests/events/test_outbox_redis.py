"""The outbox publishes to a real Redis Streams bus (edx-event-bus-redis), survives outages, and replays."""

import datetime as dt

import pytest
from django.contrib.admin.sites import site
from django.test import RequestFactory, override_settings
from django.utils import timezone
from edx_event_bus_redis.internal.message import RedisMessage
from openedx_events.event_bus import get_producer
from openedx_events.event_bus.avro.deserializer import deserialize_bytes_to_event_data
from openedx_events.learning.signals import EXAM_ATTEMPT_SUBMITTED

from events import services
from events.models import OutboxEvent
from events.tasks import publish_due_events
from tests.events.conftest import UNREACHABLE_REDIS_URL, proctored_attempt_started, submit
from tests.faults.reply_holding_proxy import ReplyHoldingProxy

pytestmark = pytest.mark.django_db(transaction=True)
TOPIC = "learning-exam-attempt-lifecycle"


def stream_entries(redis_client, prefix):
    return redis_client.xrange(f"{prefix}-{TOPIC}")


def test_submission_is_published_to_the_redis_stream(redis_bus, redis_client, captured, learner, proctored_exam):
    submit(proctored_attempt_started(learner, proctored_exam), learner)

    row = OutboxEvent.objects.get()
    assert row.status == "sent"
    entries = stream_entries(redis_client, redis_bus)
    assert len(entries) == 1
    fields = entries[0][1]
    assert fields[b"type"] == b"org.openedx.learning.exam.attempt.submitted.v1"
    assert fields[b"id"] == str(row.id).encode()
    assert fields[b"source"] == b"openedx/edx-exams/web"
    assert captured.types == ["submitted"]  # in-process receivers run too, once


def test_a_consumer_reads_the_event_back(redis_bus, redis_client, learner, proctored_exam):
    stream = f"{redis_bus}-{TOPIC}"
    redis_client.xgroup_create(stream, "lms", id="0", mkstream=True)
    submit(proctored_attempt_started(learner, proctored_exam), learner)

    [(name, [raw])] = redis_client.xreadgroup("lms", "lms-1", {stream: ">"}, count=10, block=1000)
    message = RedisMessage.parse(raw, name.decode())
    data = deserialize_bytes_to_event_data(message.event_data, EXAM_ATTEMPT_SUBMITTED)["exam_attempt"]

    assert message.event_metadata.event_type == EXAM_ATTEMPT_SUBMITTED.event_type
    assert message.event_metadata.id == OutboxEvent.objects.get().id
    assert data.student_user.id == learner.lms_user_id
    assert data.student_user.pii.email == "learner@example.com"
    assert str(data.course_key) == proctored_exam.course_id
    assert str(data.usage_key) == proctored_exam.content_id
    assert data.requesting_user.pii.username == "learner"


def test_outage_keeps_rows_and_delivers_once_after_recovery(redis_bus, redis_client, captured, learner, proctored_exam):
    with override_settings(EVENT_BUS_REDIS_CONNECTION_URL=UNREACHABLE_REDIS_URL):
        get_producer.cache_clear()
        attempt = submit(proctored_attempt_started(learner, proctored_exam), learner)  # the learner is not bothered
        assert attempt.status == "submitted"
        row = OutboxEvent.objects.get()
        assert (row.status, row.tries) == ("pending", 1)
        assert "Connection" in row.last_error
        assert row.next_try_at > timezone.now()  # backoff
        assert publish_due_events() == 0  # not due yet
        OutboxEvent.objects.update(next_try_at=timezone.now())
        assert publish_due_events() == 0  # still down
        assert OutboxEvent.objects.get().tries == 2
    assert captured.events == []  # in-process receivers wait for the bus too: one ordered delivery
    get_producer.cache_clear()

    OutboxEvent.objects.update(next_try_at=timezone.now())  # Redis is back and the row is due
    assert publish_due_events() == 1
    assert publish_due_events() == 0

    row = OutboxEvent.objects.get()
    assert (row.status, row.tries, row.last_error) == ("sent", 3, "")
    entries = stream_entries(redis_client, redis_bus)
    assert [fields[b"id"] for _, fields in entries] == [str(row.id).encode()]
    assert captured.types == ["submitted"]


def test_backoff_grows_and_is_capped(settings):
    settings.EVENTS_OUTBOX_RETRY_BASE_SECONDS = 5
    settings.EVENTS_OUTBOX_RETRY_MAX_SECONDS = 60
    assert [services.retry_delay(tries).total_seconds() for tries in (1, 2, 3, 4, 5, 9)] == [5, 10, 20, 40, 60, 60]


def test_admin_replay_republishes_with_the_same_id(redis_bus, redis_client, learner, proctored_exam, global_staff):
    submit(proctored_attempt_started(learner, proctored_exam), learner)
    global_staff.is_superuser = True
    global_staff.save()
    request = RequestFactory().post("/admin/events/outboxevent/")
    request.user = global_staff
    request._messages = _Messages()
    admin = site._registry[OutboxEvent]

    admin.replay(request, OutboxEvent.objects.all())

    row = OutboxEvent.objects.get()
    assert row.status == "sent"
    ids = [fields[b"id"] for _, fields in stream_entries(redis_client, redis_bus)]
    assert ids == [str(row.id).encode()] * 2  # consumers drop the duplicate by id
    assert request._messages.texts == ["1 event(s) queued for publishing."]


def test_a_row_claimed_by_another_publisher_is_not_published_twice(redis_bus, redis_client, learner, proctored_exam):
    with override_settings(EVENT_BUS_REDIS_CONNECTION_URL=UNREACHABLE_REDIS_URL):
        get_producer.cache_clear()
        submit(proctored_attempt_started(learner, proctored_exam), learner)
    get_producer.cache_clear()
    row = OutboxEvent.objects.get()
    OutboxEvent.objects.update(next_try_at=timezone.now() - dt.timedelta(seconds=1))

    assert services._claim(row.id) is True  # e.g. the kick task took it
    assert services.publish_event(event_id=row.id) is False  # the sweep leaves it alone
    assert stream_entries(redis_client, redis_bus) == []


def test_a_write_whose_reply_was_lost_is_not_added_twice(redis_bus, redis_client, captured, learner, proctored_exam):
    """The XADD landed but the publisher never heard back (a timeout here; a SIGKILLed worker in the fault suite):
    the re-driven publish must not add a second entry."""
    port = redis_client.connection_pool.connection_kwargs["port"]
    db = redis_client.connection_pool.connection_kwargs.get("db", 0)
    proxy = ReplyHoldingProxy(port)
    try:
        proxy.hold_replies(after=b"XADD")
        with override_settings(EVENT_BUS_REDIS_CONNECTION_URL=proxy.url(socket_timeout=1).replace("/0", f"/{db}")):
            get_producer.cache_clear()
            submit(proctored_attempt_started(learner, proctored_exam), learner)
        row = OutboxEvent.objects.get()
        assert (row.status, row.tries) == ("pending", 1)  # the publisher saw a timeout
        assert len(stream_entries(redis_client, redis_bus)) == 1  # but the entry is there
    finally:
        proxy.release()
        proxy.close()
    get_producer.cache_clear()

    OutboxEvent.objects.update(next_try_at=timezone.now())  # the retry is due
    assert publish_due_events() == 1

    assert OutboxEvent.objects.get().status == "sent"
    assert [fields[b"id"] for _, fields in stream_entries(redis_client, redis_bus)] == [str(row.id).encode()]
    assert captured.types == ["submitted"]


class _Messages:
    def __init__(self):
        self.texts = []

    def add(self, level, message, extra_tags=""):
        self.texts.append(str(message))
