"""`exams/attempt/latest` asks edx-proctoring for a running attempt; any legacy failure means "none"."""

import time

import pytest
from django.test import override_settings

from exams.services.attempts import create_attempt
from legacy_router import metrics
from tests.legacy_router.conftest import API, api_calls, closed_port, issue_token, router_settings

LATEST_URL = "/api/v1/exams/attempt/latest"
ACTIVE_PATH = f"{API}proctored_exam/active_attempt"
LEGACY_ATTEMPT = {"attempt_id": 41, "attempt_status": "started", "use_legacy_attempt_api": True, "in_timed_exam": True}


def test_a_running_legacy_attempt_is_returned_verbatim(lms, clients, learner):
    issue_token(lms)
    lms.expect_request(ACTIVE_PATH, query_string=f"user_id={learner.lms_user_id}").respond_with_json(LEGACY_ATTEMPT)

    response = clients.of(learner).get(LATEST_URL)

    assert response.status_code == 200
    assert response.json() == LEGACY_ATTEMPT


def test_no_legacy_attempt_means_the_local_answer(lms, clients, learner):
    issue_token(lms)
    lms.expect_request(ACTIVE_PATH).respond_with_json({})

    assert clients.of(learner).get(LATEST_URL).json() == {}
    assert len(api_calls(lms)) == 1


def test_a_local_running_attempt_wins_without_asking_the_lms(lms, clients, learner, timed_exam):
    attempt = create_attempt(user=learner, exam_id=timed_exam.pk, start_clock=True)

    body = clients.of(learner).get(LATEST_URL).json()

    assert body["attempt_id"] == attempt.pk
    assert body["attempt_status"] == "started"
    assert lms.log == []


@pytest.mark.parametrize(
    "respond",
    [
        lambda handler: handler.respond_with_json({"detail": "boom"}, status=500),
        lambda handler: handler.respond_with_data("<html>oops</html>", status=200),
        lambda handler: handler.respond_with_json({"detail": "Must be a Staff User"}, status=403),
        lambda handler: handler.respond_with_json(["not", "a", "dict"]),
    ],
    ids=["5xx", "invalid_json", "4xx", "not_a_dict"],
)
def test_a_broken_legacy_answer_is_ignored(lms, clients, learner, respond):
    issue_token(lms)
    respond(lms.expect_request(ACTIVE_PATH))

    response = clients.of(learner).get(LATEST_URL)

    assert response.status_code == 200
    assert response.json() == {}
    assert len(api_calls(lms)) == 1


def test_an_unreachable_lms_is_ignored(db, clients, learner):
    with override_settings(**router_settings(f"http://127.0.0.1:{closed_port()}")):
        response = clients.of(learner).get(LATEST_URL)

    assert response.status_code == 200
    assert response.json() == {}
    assert metrics.snapshot()["active_attempt"]["calls"] == {"unavailable": 1}


def test_a_hanging_lms_is_ignored_after_the_read_timeout(slow_lms, clients, learner):
    issue_token(slow_lms)
    slow_lms.expect_request(ACTIVE_PATH).respond_with_handler(lambda request: time.sleep(1.5))

    started = time.monotonic()
    response = clients.of(learner).get(LATEST_URL)

    assert response.status_code == 200
    assert response.json() == {}
    assert time.monotonic() - started < 1.4


def test_an_open_circuit_skips_the_lms(lms, clients, learner):
    issue_token(lms)
    lms.expect_request(ACTIVE_PATH).respond_with_json({}, status=503)

    for _ in range(5):
        assert clients.of(learner).get(LATEST_URL).json() == {}

    assert len(api_calls(lms)) == 3  # the breaker opened after three failures
    assert metrics.snapshot()["active_attempt"]["calls"] == {"5xx": 3, "circuit_open": 2}


def test_unconfigured_router_never_asks(lms_server, clients, learner):
    lms_server.clear()
    with override_settings(**router_settings(lms_server.url_for("").rstrip("/"), LMS_ROOT_URL="")):
        assert clients.of(learner).get(LATEST_URL).json() == {}
    assert lms_server.log == []
