"""Delivery of results to a real LMS callback server on loopback: failures, backoff, recovery, exactly once."""

import json
from datetime import timedelta

import pytest
from freezegun import freeze_time
from werkzeug import Response

from tests.xqueue.conftest import GOOD_RESULT, lms_header, pull, put_result, submit
from xqueue import services, tasks
from xqueue.models import DeliveryState, Submission

pytestmark = pytest.mark.django_db(transaction=True)


def _grade_one(grader, lms, url: str) -> Submission:
    submit(lms, lms_header(callback_url=url))
    header = pull(grader)["xqueue_header"]
    assert put_result(grader, header, GOOD_RESULT) == {"return_code": 0, "content": ""}  # answered immediately
    return Submission.objects.get()


def test_lms_down_then_back_result_arrives_exactly_once(grader, lms, queue, httpserver, settings):
    settings.XQUEUE_DELIVERY_BACKOFF_BASE = 5
    outcomes = iter([503, 502, 200])
    httpserver.expect_request("/score_update", method="POST").respond_with_handler(
        lambda request: Response("", status=next(outcomes))
    )
    with freeze_time("2026-03-01 10:00:00") as clock:
        submission = _grade_one(grader, lms, httpserver.url_for("/score_update"))
        submission.refresh_from_db()
        assert (submission.delivery_state, submission.delivery_attempts) == (DeliveryState.PENDING, 1)
        assert submission.delivery_error == "LMS answered HTTP 503"
        assert submission.delivery_due_at == submission.finished_at + timedelta(seconds=5)

        assert tasks.sweep()["redelivered"] == 0  # not due yet
        clock.tick(timedelta(seconds=5 + settings.XQUEUE_SWEEP_INTERVAL))
        assert tasks.sweep()["redelivered"] == 1  # second attempt: 502, next in 10 s
        submission.refresh_from_db()
        assert submission.delivery_attempts == 2
        assert submission.delivery_due_at - submission.finished_at > timedelta(seconds=40)

        clock.tick(timedelta(seconds=10 + settings.XQUEUE_SWEEP_INTERVAL))
        assert tasks.sweep()["redelivered"] == 1  # LMS is back
        clock.tick(timedelta(hours=1))
        assert tasks.sweep()["redelivered"] == 0
        assert services.retry_delivery(submission_ids=[submission.id]) == 0  # delivered ones are left alone

    submission.refresh_from_db()
    assert submission.delivery_state == DeliveryState.DELIVERED
    statuses = [response.status_code for _request, response in httpserver.log]
    assert statuses == [503, 502, 200]
    for request, _response in httpserver.log:
        assert request.form["xqueue_header"] == submission.lms_header
        assert json.loads(request.form["xqueue_body"]) == GOOD_RESULT


def test_duplicate_delivery_tasks_deliver_once(grader, lms, queue, httpserver):
    httpserver.expect_request("/cb", method="POST").respond_with_data("", status=500)
    submission = _grade_one(grader, lms, httpserver.url_for("/cb"))
    httpserver.clear()
    httpserver.expect_request("/cb", method="POST").respond_with_data("")
    Submission.objects.filter(pk=submission.pk).update(delivery_due_at=submission.finished_at)
    for _ in range(3):
        tasks.deliver_result.delay(submission.id, 1)
    assert len(httpserver.log) == 1
    submission.refresh_from_db()
    assert submission.delivery_state == DeliveryState.DELIVERED


def test_delivery_gives_up_after_max_age_and_the_operator_can_retry(grader, lms, queue, httpserver, settings):
    settings.XQUEUE_DELIVERY_MAX_AGE = 60
    httpserver.expect_request("/cb", method="POST").respond_with_data("", status=500)
    with freeze_time("2026-03-01 10:00:00") as clock:
        submission = _grade_one(grader, lms, httpserver.url_for("/cb"))
        clock.tick(timedelta(seconds=61 + settings.XQUEUE_SWEEP_INTERVAL))
        tasks.sweep.delay()
    submission.refresh_from_db()
    assert submission.delivery_state == DeliveryState.GAVE_UP
    assert submission.delivery_error == "LMS answered HTTP 500"
    httpserver.clear()
    httpserver.expect_request("/cb", method="POST").respond_with_data("")
    assert services.retry_delivery(submission_ids=[submission.id]) == 1
    submission.refresh_from_db()
    assert submission.delivery_state == DeliveryState.DELIVERED
    assert len(httpserver.log) == 1


def test_unreachable_lms_is_a_retry_not_an_error(grader, lms, queue):
    submission = _grade_one(grader, lms, "http://127.0.0.1:9/nothing-listens-here")
    submission.refresh_from_db()
    assert submission.delivery_state == DeliveryState.PENDING
    assert "ConnectionError" in submission.delivery_error


def test_backoff_doubles_and_is_capped(settings):
    settings.XQUEUE_DELIVERY_BACKOFF_BASE = 5
    settings.XQUEUE_DELIVERY_BACKOFF_MAX = 600
    from xqueue.services.delivery import backoff_seconds

    assert [backoff_seconds(n) for n in (1, 2, 3, 4)] == [5, 10, 20, 40]
    assert backoff_seconds(50) == 600
