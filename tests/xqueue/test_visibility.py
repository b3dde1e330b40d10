"""Visibility timeout, key rotation and the attempt cap, on a frozen clock."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone
from freezegun import freeze_time

from tests.xqueue.conftest import GOOD_RESULT, QUEUE, lms_header, pull, put_result, submit
from xqueue import tasks
from xqueue.constants import FAILURE_REPLY
from xqueue.models import DeliveryState, Submission, SubmissionState

pytestmark = pytest.mark.django_db


def _empty(grader) -> bool:
    return grader.get("/xqueue/get_submission/", {"queue_name": QUEUE}).json() == {
        "return_code": 1,
        "content": f"Queue '{QUEUE}' is empty",
    }


def test_unanswered_submission_is_handed_out_again_with_a_new_key(grader, lms, queue):
    with freeze_time("2026-03-01 10:00:00") as clock:
        submit(lms)
        first = json.loads(pull(grader)["xqueue_header"])
        clock.tick(timedelta(seconds=59))
        assert _empty(grader)  # still in flight
        clock.tick(timedelta(seconds=2))  # visibility timeout (60 s) over
        second = json.loads(pull(grader)["xqueue_header"])
        assert second["submission_id"] == first["submission_id"]
        assert second["submission_key"] != first["submission_key"]
        assert put_result(grader, json.dumps(first), GOOD_RESULT)["content"] == "Incorrect key for submission"
        clock.tick(timedelta(seconds=30))
        assert _empty(grader)  # the timeout restarted at the second hand-out
        assert put_result(grader, json.dumps(second), GOOD_RESULT) == {"return_code": 0, "content": ""}
    assert Submission.objects.get().attempts == 2


def test_late_result_with_the_current_key_is_still_accepted(grader, lms, queue):
    with freeze_time("2026-03-01 10:00:00") as clock:
        submit(lms)
        header = pull(grader)["xqueue_header"]
        clock.tick(timedelta(minutes=10))  # timed out, but nobody pulled it again
        assert put_result(grader, header, GOOD_RESULT) == {"return_code": 0, "content": ""}


def test_after_max_attempts_the_learner_is_told_it_could_not_be_graded(
    grader, lms, queue, httpserver, django_capture_on_commit_callbacks
):
    httpserver.expect_oneshot_request("/callback", method="POST").respond_with_data("")
    with freeze_time("2026-03-01 10:00:00") as clock:
        submit(lms, lms_header(callback_url=httpserver.url_for("/callback")))
        for _ in range(queue.max_attempts):
            pull(grader)
            clock.tick(timedelta(seconds=61))
        with django_capture_on_commit_callbacks(execute=True):
            assert _empty(grader)  # the claim that found it exhausted failed it instead
    submission = Submission.objects.get()
    assert submission.state == SubmissionState.FAILED
    assert submission.delivery_state == DeliveryState.DELIVERED
    (request, _response), *others = httpserver.log
    assert others == []
    assert request.form["xqueue_header"] == submission.lms_header
    assert json.loads(request.form["xqueue_body"]) == json.loads(FAILURE_REPLY)


def test_sweep_fails_exhausted_submissions_of_idle_queues(
    grader, lms, queue, httpserver, django_capture_on_commit_callbacks
):
    httpserver.expect_oneshot_request("/cb", method="POST").respond_with_data("")
    with freeze_time("2026-03-01 10:00:00") as clock:
        submit(lms, lms_header(callback_url=httpserver.url_for("/cb")))
        Submission.objects.update(attempts=queue.max_attempts - 1)
        pull(grader)
        assert tasks.sweep() == {"failed": 0, "redelivered": 0}  # still in flight
        clock.tick(timedelta(seconds=61))
        with django_capture_on_commit_callbacks(execute=True):
            assert tasks.sweep() == {"failed": 1, "redelivered": 0}
    assert Submission.objects.get().state == SubmissionState.FAILED
    assert len(httpserver.log) == 1


def test_clock_state_survives_between_pulls(grader, lms, queue):
    submit(lms)
    pull(grader)
    submission = Submission.objects.get()
    assert submission.visible_at - submission.pulled_at == timedelta(seconds=queue.visibility_timeout)
    assert submission.pulled_at <= timezone.now()
