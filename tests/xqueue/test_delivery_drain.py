"""Batch drains of due results (XQUEUE_DELIVERY_BATCH_SECONDS): one request per window, every result once."""

from datetime import timedelta

import pytest
from django.db import connections
from freezegun import freeze_time

from tests.threads import run_concurrently
from tests.xqueue.conftest import GOOD_RESULT, lms_header, pull, put_result, submit
from xqueue import services
from xqueue.models import DeliveryState, Submission
from xqueue.services import dispatch
from xqueue.services.dispatch import DrainTrigger

pytestmark = pytest.mark.django_db(transaction=True)


class Clock:
    def __init__(self):
        self.now = 100.0

    def __call__(self):
        return self.now


def test_idle_drains_at_once_then_one_drain_per_window():
    clock, sent = Clock(), []
    trigger = DrainTrigger(sent.append, clock=clock)
    assert trigger.request(0.25) is True  # idle: a drain at once
    clock.now += 0.01
    assert trigger.request(0.25) is True  # the first may already have looked: one more, when the window ends
    clock.now += 0.1
    assert trigger.request(0.25) is False  # covered by the one waiting to start
    clock.now += 0.12  # 0.02 s before it starts: too close to count on it, so one more a window later
    assert trigger.request(0.25) is True
    clock.now += 10
    assert trigger.request(0.25) is True  # idle again: at once
    assert sent == [0, pytest.approx(0.24), pytest.approx(0.27), 0]


def test_a_drain_request_that_could_not_be_sent_is_asked_again():
    clock, sent, failing = Clock(), [], [True]

    def send(countdown):
        if failing.pop():
            raise ConnectionError("broker down")
        sent.append(countdown)

    trigger = DrainTrigger(send, clock=clock)
    with pytest.raises(ConnectionError):
        trigger.request(0.25)
    failing.append(False)
    assert trigger.request(0.25) is True
    assert sent == [0]


def test_results_ask_for_few_drains_when_not_eager(grader, lms, queue, settings, monkeypatch):
    settings.XQUEUE_DELIVERY_BATCH_SECONDS = 30
    sent = []
    monkeypatch.setattr(dispatch, "_trigger", DrainTrigger(sent.append))
    settings.CELERY_TASK_ALWAYS_EAGER = False
    for _ in range(3):
        submit(lms, lms_header(callback_url="http://127.0.0.1:9/cb"))
        assert put_result(grader, pull(grader)["xqueue_header"], GOOD_RESULT)["return_code"] == 0
    assert len(sent) == 2  # the first result at once, the rest with the next drain (no message per result)
    assert sent[0] == 0 and 29 < sent[1] <= 30
    assert Submission.objects.filter(delivery_state=DeliveryState.PENDING, delivery_attempts=0).count() == 3


def grade_while_lms_fails(grader, lms, httpserver, count: int) -> None:
    httpserver.expect_request("/cb", method="POST").respond_with_data("", status=503)
    for _ in range(count):
        submit(lms, lms_header(callback_url=httpserver.url_for("/cb")))
        put_result(grader, pull(grader)["xqueue_header"], GOOD_RESULT)
    httpserver.clear()
    httpserver.expect_request("/cb", method="POST").respond_with_data("")


def test_drain_delivers_every_due_result_once(grader, lms, queue, httpserver, settings):
    settings.XQUEUE_DELIVERY_CONCURRENCY = 4
    with freeze_time("2026-03-01 10:00:00") as clock:
        grade_while_lms_fails(grader, lms, httpserver, 10)
        assert services.deliver_due_results()["due"] == 0  # retries are 5 s away
        clock.tick(timedelta(seconds=6))
        assert services.deliver_due_results() == {"due": 10, "delivered": 10, "retrying": 0}
    assert len(httpserver.log) == 10
    assert Submission.objects.filter(delivery_state=DeliveryState.DELIVERED).count() == 10
    assert {request.form["xqueue_header"] for request, _ in httpserver.log} == set(
        Submission.objects.values_list("lms_header", flat=True)
    )


def test_overlapping_drains_never_deliver_twice(grader, lms, queue, httpserver, settings):
    if connections["default"].vendor == "sqlite":
        pytest.skip("SQLite drains deliver in one thread; overlap needs row-level concurrency")
    settings.XQUEUE_DELIVERY_CONCURRENCY = 3
    with freeze_time("2026-03-01 10:00:00", tick=True) as clock:
        grade_while_lms_fails(grader, lms, httpserver, 12)
        # The clock ticks: on a loaded machine grading 12 can outlast the 5 s backoff, so an early result may have
        # failed twice (backoff 10 s). Two minutes later every retry is due.
        clock.tick(timedelta(minutes=2))
        totals, errors = run_concurrently(3, lambda _: services.deliver_due_results()["delivered"])
        # A claim whose POST could not start within its window is released, not delivered (`_post_unless_late`).
        # Under freezegun that happens for no reason: it serves real time to callers a few frames below
        # `threading` and frozen time to the rest, so a drain that claims a single result (posted in the drain's
        # thread, not the pool) compares a real-clock window with the frozen clock. The next drain delivers it.
        late = services.deliver_due_results()["delivered"]
    assert errors == []
    assert sum(totals) + late == 12
    assert len(httpserver.log) == 12  # each result posted once: no drain delivered another's claim
    assert Submission.objects.filter(delivery_state=DeliveryState.DELIVERED).count() == 12


def test_failed_delivery_in_a_drain_is_retried_by_its_own_task(grader, lms, queue, httpserver):
    with freeze_time("2026-03-01 10:00:00") as clock:
        grade_while_lms_fails(grader, lms, httpserver, 1)
        httpserver.clear()
        httpserver.expect_request("/cb", method="POST").respond_with_data("", status=502)
        clock.tick(timedelta(seconds=6))
        assert services.deliver_due_results() == {"due": 1, "delivered": 0, "retrying": 1}
    submission = Submission.objects.get()
    assert (submission.delivery_state, submission.delivery_attempts) == (DeliveryState.PENDING, 2)
    assert submission.delivery_error == "LMS answered HTTP 502"
