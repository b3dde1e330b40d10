"""Deliveries reuse kept-alive connections per LMS host (a real loopback LMS counts TCP connections)."""

import json
from datetime import timedelta
from itertools import count

import pytest
from django.utils import timezone
from freezegun import freeze_time

from tests.xqueue.lms_server import LoopbackLms
from xqueue import services, tasks
from xqueue.models import DeliveryState, Submission, SubmissionState
from xqueue.services import lms_client

pytestmark = pytest.mark.django_db(transaction=True)
_keys = count(1)


def due_results(queue, url: str, n: int) -> list[int]:
    """`n` graded results due for delivery to `url` (what put_result leaves behind)."""
    now = timezone.now()
    created = Submission.objects.bulk_create(
        Submission(
            queue=queue,
            lms_header=json.dumps({"lms_callback_url": url, "lms_key": f"key-{next(_keys)}", "queue_name": queue.name}),
            lms_body="{}",
            lms_callback_url=url,
            callback_digest=f"digest-{n}-{i}-{next(_keys)}",
            state=SubmissionState.GRADED,
            grader_reply='{"correct": true, "score": 1, "msg": "ok"}',
            finished_at=now,
            delivery_state=DeliveryState.PENDING,
            delivery_due_at=now,
        )
        for i in range(n)
    )
    return [submission.pk for submission in created]


def test_drains_reuse_one_connection_per_thread(queue, settings):
    settings.XQUEUE_DELIVERY_CONCURRENCY = 2
    with LoopbackLms() as lms:
        due_results(queue, lms.url(), 20)
        assert services.deliver_due_results() == {"due": 20, "delivered": 20, "retrying": 0}
        first = lms.connections
        assert 1 <= first <= 2  # one per delivery thread, not one per result
        due_results(queue, lms.url(), 20)
        assert services.deliver_due_results()["delivered"] == 20
        assert lms.connections == first  # the next drain reuses them
    assert len(lms.keys) == 40 and set(lms.keys.values()) == {1}
    assert Submission.objects.filter(delivery_state=DeliveryState.DELIVERED).count() == 40


def test_single_deliveries_reuse_the_connection(queue):
    with LoopbackLms() as lms:
        for submission_id in due_results(queue, lms.url(), 5):
            assert services.deliver_result(submission_id=submission_id, expected_attempts=0).delivered
        assert lms.connections == 1


def test_each_lms_host_gets_its_own_connection(queue, settings):
    settings.XQUEUE_DELIVERY_CONCURRENCY = 1
    with LoopbackLms() as first, LoopbackLms() as second:
        due_results(queue, first.url(), 3)
        due_results(queue, second.url(), 3)
        assert services.deliver_due_results()["delivered"] == 6
        assert (first.connections, second.connections) == (1, 1)
        assert sum(first.keys.values()) == sum(second.keys.values()) == 3


def test_a_restarted_lms_gets_the_next_result_at_the_first_attempt(queue, settings):
    settings.XQUEUE_DELIVERY_CONCURRENCY = 1
    with LoopbackLms() as lms:
        port = lms.port
        due_results(queue, lms.url(), 1)
        assert services.deliver_due_results()["delivered"] == 1
    with LoopbackLms(port=port) as restarted:
        (later,) = due_results(queue, restarted.url(), 1)
        assert services.deliver_due_results() == {"due": 1, "delivered": 1, "retrying": 0}
    assert Submission.objects.get(pk=later).delivery_attempts == 1
    assert sum(restarted.keys.values()) == 1


def test_cookies_from_the_lms_are_not_sent_back(queue, settings):
    settings.XQUEUE_DELIVERY_CONCURRENCY = 1
    with LoopbackLms(set_cookie="sessionid=from-the-lms; Path=/") as lms:
        due_results(queue, lms.url(), 3)
        assert services.deliver_due_results()["delivered"] == 3
    assert lms.cookies == [None, None, None]
    assert lms.connections == 1


def test_lms_down_then_up_a_drain_delivers_each_result_once(queue, settings):
    settings.XQUEUE_DELIVERY_CONCURRENCY = 2
    with LoopbackLms() as probe:
        port = probe.port  # a free port; nothing listens on it once this block ends
    with freeze_time("2026-03-01 10:00:00") as clock:
        due_results(queue, f"http://127.0.0.1:{port}/cb", 6)
        assert services.deliver_due_results() == {"due": 6, "delivered": 0, "retrying": 6}
        clock.tick(timedelta(seconds=settings.XQUEUE_DELIVERY_BACKOFF_BASE + 1))
        with LoopbackLms(port=port) as lms:
            assert services.deliver_due_results() == {"due": 6, "delivered": 6, "retrying": 0}
            clock.tick(timedelta(hours=1))
            assert services.deliver_due_results()["due"] == 0
            assert tasks.sweep()["redelivered"] == 0
    assert len(lms.keys) == 6 and set(lms.keys.values()) == {1}
    assert set(Submission.objects.values_list("delivery_state", "delivery_attempts")) == {(DeliveryState.DELIVERED, 2)}


def test_a_thread_keeps_a_bounded_number_of_lms_connections(queue, settings):
    settings.XQUEUE_DELIVERY_CONCURRENCY = 1
    servers = [LoopbackLms() for _ in range(lms_client.MAX_ORIGINS_PER_THREAD + 2)]
    for server in servers:
        server.__enter__()
    try:
        for server in servers:
            due_results(queue, server.url(), 1)
            assert services.deliver_due_results()["delivered"] == 1
        assert services.deliver_due_results()["due"] == 0
        due_results(queue, servers[0].url(), 1)  # its connection was closed to make room: a new one
        due_results(queue, servers[-1].url(), 1)  # still open
        assert services.deliver_due_results()["delivered"] == 2
        assert (servers[0].connections, servers[-1].connections) == (2, 1)
    finally:
        for server in servers:
            server.__exit__(None, None, None)
