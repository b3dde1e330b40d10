"""`get_submission/` and `put_result/` (grader side), with the exact envelopes of the watcher."""

import json

import pytest

from tests.xqueue.conftest import GOOD_RESULT, QUEUE, lms_body, lms_header, pull, put_result, submit
from xqueue.models import DeliveryState, Submission, SubmissionState

pytestmark = pytest.mark.django_db


def test_get_submission_payload_is_a_json_string_of_three_strings(grader, lms, queue):
    body = lms_body("print(1)")
    submit(lms, lms_header(), body)
    content = pull(grader)
    assert set(content) == {"xqueue_header", "xqueue_body", "xqueue_files"}
    assert all(isinstance(value, str) for value in content.values())
    assert content["xqueue_body"] == body
    assert json.loads(content["xqueue_files"]) == {}
    header = json.loads(content["xqueue_header"])
    submission = Submission.objects.get()
    assert header == {"submission_id": submission.id, "submission_key": submission.pull_key}
    assert submission.grader == "watcher" and submission.attempts == 1


@pytest.mark.parametrize(
    "params, message",
    [
        ({}, "'get_submission' must provide parameter 'queue_name'"),
        ({"queue_name": ""}, "'get_submission' must provide parameter 'queue_name'"),
        ({"queue_name": "nope"}, "Queue 'nope' not found"),
        ({"queue_name": "nul\x00"}, "Queue 'nul\x00' not found"),
        ({"queue_name": QUEUE}, f"Queue '{QUEUE}' is empty"),
    ],
)
def test_get_submission_application_errors(grader, queue, params, message):
    response = grader.get("/xqueue/get_submission/", params)
    assert response.status_code == 200
    assert response.json() == {"return_code": 1, "content": message}


def test_handout_is_fifo_and_in_flight_submissions_are_not_handed_out_again(grader, lms, queue):
    for text in ("a", "b"):
        submit(lms, lms_header(), lms_body(text))
    assert pull(grader)["xqueue_body"] == lms_body("a")
    assert pull(grader)["xqueue_body"] == lms_body("b")
    assert grader.get("/xqueue/get_submission/", {"queue_name": QUEUE}).json()["return_code"] == 1


def test_put_result_accepts_the_current_key_once(grader, lms, queue, django_capture_on_commit_callbacks):
    submit(lms)
    content = pull(grader)
    with django_capture_on_commit_callbacks() as callbacks:
        assert put_result(grader, content["xqueue_header"], GOOD_RESULT) == {"return_code": 0, "content": ""}
    assert len(callbacks) == 1  # one delivery scheduled
    submission = Submission.objects.get()
    assert submission.state == SubmissionState.GRADED
    assert json.loads(submission.grader_reply) == GOOD_RESULT
    assert submission.delivery_state == DeliveryState.PENDING


def test_identical_repeat_is_idempotent_and_different_repeat_is_refused(
    grader, lms, queue, django_capture_on_commit_callbacks
):
    submit(lms)
    header = pull(grader)["xqueue_header"]
    put_result(grader, header, GOOD_RESULT)
    with django_capture_on_commit_callbacks() as callbacks:
        assert put_result(grader, header, GOOD_RESULT) == {"return_code": 0, "content": ""}
        other = put_result(grader, header, {"correct": False, "score": 0, "msg": "no"})
    assert callbacks == []  # nothing delivered twice
    assert other == {"return_code": 1, "content": "A different result was already recorded for this submission"}
    assert json.loads(Submission.objects.get().grader_reply) == GOOD_RESULT


def test_put_result_must_be_post(grader):
    assert grader.get("/xqueue/put_result/").json() == {"return_code": 1, "content": "'put_result' must use HTTP POST"}


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"xqueue_header": json.dumps({"submission_id": 1, "submission_key": "k"})},
        {"xqueue_body": json.dumps(GOOD_RESULT)},
        {"xqueue_header": "not json", "xqueue_body": "{}"},
        {"xqueue_header": "[]", "xqueue_body": "{}"},
        {"xqueue_header": json.dumps({"submission_key": "k"}), "xqueue_body": "{}"},
        {"xqueue_header": json.dumps({"submission_id": 1}), "xqueue_body": "{}"},
        {"xqueue_header": json.dumps({"submission_id": "abc", "submission_key": "k"}), "xqueue_body": "{}"},
        {"xqueue_header": json.dumps({"submission_id": 10**30, "submission_key": "k"}), "xqueue_body": "{}"},
        {"xqueue_header": json.dumps({"submission_id": True, "submission_key": "k"}), "xqueue_body": "{}"},
        {"xqueue_header": json.dumps({"submission_id": 1, "submission_key": 5}), "xqueue_body": "{}"},
        {"xqueue_header": json.dumps({"submission_id": 1, "submission_key": "k"}), "xqueue_body": "not json"},
        {"xqueue_header": json.dumps({"submission_id": 1, "submission_key": "k"}), "xqueue_body": "[1]"},
    ],
)
def test_malformed_results_get_incorrect_reply_format(grader, data):
    response = grader.post("/xqueue/put_result/", data)
    assert response.status_code == 200
    assert response.json() == {"return_code": 1, "content": "Incorrect reply format"}


def test_result_for_unknown_submission(grader, queue):
    header = json.dumps({"submission_id": 999999, "submission_key": "k"})
    assert put_result(grader, header, GOOD_RESULT) == {"return_code": 1, "content": "Submission does not exist"}


def test_wrong_key_is_refused_with_http_200(grader, lms, queue):
    submit(lms)
    header = json.loads(pull(grader)["xqueue_header"])
    forged = json.dumps({**header, "submission_key": "0" * 32})
    assert put_result(grader, forged, GOOD_RESULT) == {"return_code": 1, "content": "Incorrect key for submission"}
    assert Submission.objects.get().state == SubmissionState.PENDING


def test_empty_key_never_matches_a_submission_that_was_not_handed_out(grader, lms, queue):
    submit(lms)
    header = json.dumps({"submission_id": Submission.objects.get().id, "submission_key": ""})
    assert put_result(grader, header, GOOD_RESULT) == {"return_code": 1, "content": "Incorrect key for submission"}
    assert Submission.objects.get().state == SubmissionState.PENDING


def test_result_for_superseded_submission_is_refused(grader, lms, queue):
    url = "http://127.0.0.1:1/courses/c/xqueue/9/block/score_update"
    submit(lms, lms_header(callback_url=url))
    header = pull(grader)["xqueue_header"]
    submit(lms, lms_header(callback_url=url))
    assert put_result(grader, header, GOOD_RESULT) == {
        "return_code": 1,
        "content": "Submission is no longer awaiting a result",
    }
