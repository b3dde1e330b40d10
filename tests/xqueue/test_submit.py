"""`submit/` (LMS side) and `get_queuelen/`."""

import json

import pytest

from tests.xqueue.conftest import QUEUE, lms_body, lms_header, submit
from xqueue.models import Submission, SubmissionState

pytestmark = pytest.mark.django_db


def test_submit_stores_header_and_body_verbatim_and_answers_queue_length_as_string(lms, queue):
    header, body = lms_header(), lms_body()
    assert submit(lms, header, body) == {"return_code": 0, "content": "1"}
    assert submit(lms) == {"return_code": 0, "content": "2"}
    stored = Submission.objects.order_by("id").first()
    assert (stored.lms_header, stored.lms_body) == (header, body)
    assert stored.state == SubmissionState.PENDING
    assert stored.lms_callback_url == json.loads(header)["lms_callback_url"]


def test_submit_must_be_post(lms, queue):
    assert lms.get("/xqueue/submit/").json() == {"return_code": 1, "content": "Queue requests should use HTTP POST"}


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"xqueue_header": lms_header()},
        {"xqueue_body": lms_body()},
        {"xqueue_header": "not json", "xqueue_body": "{}"},
        {"xqueue_header": "[1, 2]", "xqueue_body": "{}"},
        {"xqueue_header": json.dumps({"lms_key": "k", "queue_name": QUEUE}), "xqueue_body": "{}"},
        {"xqueue_header": json.dumps({"lms_callback_url": "http://x/", "queue_name": QUEUE}), "xqueue_body": "{}"},
        {"xqueue_header": json.dumps({"lms_callback_url": "http://x/", "lms_key": "k"}), "xqueue_body": "{}"},
        {"xqueue_header": json.dumps({"lms_callback_url": 5, "lms_key": "k", "queue_name": QUEUE}), "xqueue_body": ""},
        {"xqueue_header": json.dumps({"lms_callback_url": "http://x/\x00", "lms_key": "k", "queue_name": QUEUE})},
        {"xqueue_header": lms_header(), "xqueue_body": "nul \x00 byte"},
    ],
)
def test_submit_with_invalid_format(lms, queue, data):
    response = lms.post("/xqueue/submit/", data)
    assert response.status_code == 200
    assert response.json() == {"return_code": 1, "content": "Queue request has invalid format"}
    assert not Submission.objects.exists()


def test_submit_to_unknown_queue(lms, queue):
    assert submit(lms, lms_header(queue_name="nope")) == {"return_code": 1, "content": "Queue 'nope' not found"}
    assert submit(lms, lms_header(queue_name="a\x00b"))["return_code"] == 1


def test_resubmission_supersedes_the_pending_one(lms, queue):
    url = "http://127.0.0.1:1/courses/c/xqueue/resubmitted-7/block/score_update"
    submit(lms, lms_header(callback_url=url), lms_body("first"))
    submit(lms, lms_header(), lms_body("someone else"))
    assert submit(lms, lms_header(callback_url=url), lms_body("second")) == {"return_code": 0, "content": "2"}
    states = dict(Submission.objects.values_list("lms_body", "state"))
    assert states[lms_body("first")] == SubmissionState.SUPERSEDED
    assert states[lms_body("second")] == SubmissionState.PENDING
    assert states[lms_body("someone else")] == SubmissionState.PENDING


def test_a_resubmission_never_supersedes_a_newer_one(lms, queue):
    """Racing resubmissions (insert, then supersede older ids) leave the newest pending whatever their order."""
    from xqueue.services.submissions import _supersede_older

    url = "http://127.0.0.1:1/courses/c/xqueue/resubmitted-8/block/score_update"
    submit(lms, lms_header(callback_url=url), lms_body("older"))
    submit(lms, lms_header(callback_url=url), lms_body("newer"))
    older, newer = Submission.objects.order_by("id")
    Submission.objects.filter(pk=older.pk).update(state=SubmissionState.PENDING)  # as if its supersede came last
    _supersede_older(digest=older.callback_digest, newest_id=older.pk, now=older.arrival_time)
    assert Submission.objects.get(pk=newer.pk).state == SubmissionState.PENDING
    assert Submission.objects.get(pk=older.pk).state == SubmissionState.PENDING
    _supersede_older(digest=older.callback_digest, newest_id=newer.pk, now=newer.arrival_time)
    assert Submission.objects.get(pk=older.pk).state == SubmissionState.SUPERSEDED


def test_oversized_file_is_refused(lms, queue, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.XQUEUE_MAX_FILE_SIZE = 10
    reply = submit(lms, **{"big.py": SimpleUploadedFile("big.py", b"x" * 11)})
    assert reply == {"return_code": 1, "content": "Uploaded file is too large"}
    assert not Submission.objects.exists()


def test_get_queuelen(grader, lms, queue):
    assert grader.get("/xqueue/get_queuelen/").json() == {
        "return_code": 1,
        "content": "'get_queuelen' must provide parameter 'queue_name'",
    }
    assert grader.get("/xqueue/get_queuelen/", {"queue_name": "nope"}).json() == {
        "return_code": 1,
        "content": f"Valid queue names are: {QUEUE}",
    }
    submit(lms)
    submit(lms)
    assert grader.get("/xqueue/get_queuelen/", {"queue_name": QUEUE}).json() == {"return_code": 0, "content": 2}
    grader.get("/xqueue/get_submission/", {"queue_name": QUEUE})
    assert grader.get("/xqueue/get_queuelen/", {"queue_name": QUEUE}).json()["content"] == 1  # in flight excluded
