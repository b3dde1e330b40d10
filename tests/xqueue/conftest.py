"""Fixtures for the XQueue protocol: queues, grader/LMS accounts, logged-in clients, LMS payloads."""

import json
from itertools import count

import pytest
from django.test import Client

from xqueue import services

PASSWORD = "grader-secret-1"
QUEUE = "python-grader"
_learners = count(1)


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return settings.MEDIA_ROOT


@pytest.fixture
def queue(db):
    return services.ensure_queue(name=QUEUE, visibility_timeout=60, max_attempts=3)


@pytest.fixture
def grader_account(db):
    services.create_account(username="watcher", password=PASSWORD, role="grader")
    return "watcher"


@pytest.fixture
def lms_account(db):
    services.create_account(username="lms", password=PASSWORD, role="lms")
    return "lms"


def logged_in(username: str) -> Client:
    client = Client(enforce_csrf_checks=True)
    response = client.post("/xqueue/login/", {"username": username, "password": PASSWORD})
    assert response.json() == {"return_code": 0, "content": "Logged in"}
    return client


@pytest.fixture
def grader(grader_account):
    return logged_in(grader_account)


@pytest.fixture
def lms(lms_account):
    return logged_in(lms_account)


def lms_header(queue_name: str = QUEUE, callback_url: str | None = None, lms_key: str = "k" * 32) -> str:
    if callback_url is None:
        callback_url = f"http://127.0.0.1:1/courses/c/xqueue/{next(_learners)}/block/score_update"
    return json.dumps({"lms_callback_url": callback_url, "lms_key": lms_key, "queue_name": queue_name})


def lms_body(response: str = "print('hello')") -> str:
    return json.dumps(
        {
            "grader_payload": json.dumps({"grader": "ps1/grade.py"}),
            "student_info": json.dumps({"anonymous_student_id": "abc", "submission_time": "20260101120000"}),
            "student_response": response,
        }
    )


def submit(client: Client, header: str | None = None, body: str | None = None, **files) -> dict:
    data = {"xqueue_header": header or lms_header(), "xqueue_body": body or lms_body(), **files}
    response = client.post("/xqueue/submit/", data)
    assert response.status_code == 200
    return response.json()


def pull(client: Client, queue_name: str = QUEUE) -> dict:
    """get_submission, decoded once like the watcher does; asserts success."""
    response = client.get("/xqueue/get_submission/", {"queue_name": queue_name})
    assert response.status_code == 200
    envelope = response.json()
    assert envelope["return_code"] == 0, envelope
    assert isinstance(envelope["content"], str)
    return json.loads(envelope["content"])


def put_result(client: Client, header: str, body: dict | str) -> dict:
    reply = body if isinstance(body, str) else json.dumps(body)
    response = client.post("/xqueue/put_result/", {"xqueue_header": header, "xqueue_body": reply})
    assert response.status_code == 200
    return response.json()


GOOD_RESULT = {"correct": True, "score": 1.0, "msg": "<p>Well done</p>"}
