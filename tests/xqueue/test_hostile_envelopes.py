"""Hostile XQueue envelopes: deeply nested JSON, unstorable strings, malformed multipart; always an XQueue
envelope (or a JSON 400), never a 5xx, and nothing stored that cannot be read back."""

import json

import pytest
from django.test import Client

from tests.xqueue.conftest import PASSWORD, lms_body, lms_header, pull, submit
from xqueue.models import Submission

pytestmark = pytest.mark.django_db

DEEP_OBJECT = '{"a": ' * 5000 + "1" + "}" * 5000
DEEP_LIST = "[" * 6000 + "]" * 6000


@pytest.mark.parametrize("header", [DEEP_OBJECT, DEEP_LIST])
def test_deeply_nested_submit_header_is_refused(lms, queue, header):
    response = lms.post("/xqueue/submit/", {"xqueue_header": header, "xqueue_body": lms_body()})
    assert response.status_code == 200
    assert response.json()["return_code"] == 1
    assert not Submission.objects.exists()


@pytest.mark.parametrize("body", [DEEP_OBJECT, DEEP_LIST])
def test_deeply_nested_result_body_is_refused(grader, lms, queue, body):
    submit(lms)
    header = pull(grader)["xqueue_header"]
    response = grader.post("/xqueue/put_result/", {"xqueue_header": header, "xqueue_body": body})
    assert response.status_code == 200
    assert response.json()["return_code"] == 1
    assert Submission.objects.get().state == "pending"


@pytest.mark.parametrize("key", ["\ud800", "a\x00b"])
def test_unstorable_submission_key_is_refused(grader, lms, queue, key):
    submit(lms)
    pull(grader)
    header = json.dumps({"submission_id": Submission.objects.get().pk, "submission_key": key})
    response = grader.post("/xqueue/put_result/", {"xqueue_header": header, "xqueue_body": json.dumps({"a": 1})})
    assert response.status_code == 200
    assert response.json()["return_code"] == 1


@pytest.mark.parametrize("header_extra", [{"lms_key": "\ud800"}, {"extra": {"x": "\udc00"}}])
def test_unstorable_strings_in_the_submit_header_are_refused(lms, queue, header_extra):
    header = json.dumps({**json.loads(lms_header()), **header_extra})
    response = lms.post("/xqueue/submit/", {"xqueue_header": header, "xqueue_body": lms_body()})
    assert response.json()["return_code"] == 1
    assert not Submission.objects.exists()


def test_unstorable_strings_in_the_submit_body_are_refused(lms, queue):
    response = lms.post("/xqueue/submit/", {"xqueue_header": lms_header(), "xqueue_body": '{"a": "\\ud800"}'})
    assert response.json()["return_code"] == 1
    assert not Submission.objects.exists()


@pytest.mark.parametrize("username", ["a\x00b", "x" * 5000])
def test_login_with_an_unstorable_username_is_an_envelope_error(grader_account, username):
    response = Client().post("/xqueue/login/", {"username": username, "password": PASSWORD})
    assert response.status_code == 200
    assert response.json()["return_code"] == 1


def test_malformed_multipart_is_a_json_refusal(lms, queue):
    body = b'--BOUNDARY\r\nContent-Disposition: form-data; name="xqueue_header"\r\n\r\nnever closed'
    response = lms.generic("POST", "/xqueue/submit/", body, content_type="multipart/form-data; boundary=BOUNDARY")
    assert response.status_code in (200, 400)
    assert response.json()["return_code"] == 1
