"""Settings of the events app: redis-py 8 timeouts, the producer config, the beat sweep."""

from django.conf import settings

from exams_service.celery import app
from settings.base import _redis_url_with_timeouts


def test_bus_url_gets_a_read_timeout_longer_than_the_consumer_poll():
    url = _redis_url_with_timeouts("redis://:secret@redis:6379/0", 75)
    assert url == "redis://:secret@redis:6379/0?socket_timeout=75&socket_connect_timeout=5"


def test_operator_timeouts_are_kept():
    url = _redis_url_with_timeouts("rediss://redis:6380/1?socket_timeout=120&ssl_cert_reqs=required", 75)
    assert "socket_timeout=120" in url and "ssl_cert_reqs=required" in url and "socket_connect_timeout=5" in url


def test_all_five_events_go_to_one_topic_keyed_by_course():
    config = settings.EVENT_BUS_PRODUCER_CONFIG
    assert len(config) == 5
    for topics in config.values():
        assert topics == {
            "learning-exam-attempt-lifecycle": {"event_key_field": "exam_attempt.course_key", "enabled": True}
        }


def test_the_outbox_sweep_is_scheduled_and_registered():
    entry = settings.CELERY_BEAT_SCHEDULE["publish-pending-exam-events"]
    assert entry["task"] == "events.tasks.publish_due_events"
    app.loader.import_default_modules()  # what a worker does at start (autodiscovery)
    assert entry["task"] in app.tasks
