"""An LMS that is down, slow, broken or unconfigured never turns into a 500."""

import time

import pytest
from django.test import override_settings

from tests.conftest import COURSE_ID
from tests.legacy_router.conftest import (
    API,
    TOKEN_PATH,
    api_calls,
    calls_to,
    closed_port,
    issue_token,
    router_settings,
)

SETTINGS_URL = f"/api/v1/exam/provider_settings/course_id/{COURSE_ID}/exam_id/7"
EXAMS_URL = f"/api/v1/exams/course_id/{COURSE_ID}"
ONBOARDING_URL = f"/api/v1/student/course_id/{COURSE_ID}/onboarding"
SETTINGS_PATH = f"{API}proctored_exam/settings/exam_id/7/"
UNAVAILABLE = {"detail": "Legacy proctoring service unavailable"}


def assert_unavailable(response, retry_after="7"):
    assert response.status_code == 503, response.content
    assert response.json() == UNAVAILABLE
    assert response["Retry-After"] == retry_after


def test_connection_refused_is_503(db, clients, learner):
    with override_settings(**router_settings(f"http://127.0.0.1:{closed_port()}")):
        assert_unavailable(clients.of(learner).get(SETTINGS_URL))


def test_api_timeout_is_503(slow_lms, clients, learner):
    issue_token(slow_lms)
    slow_lms.expect_request(SETTINGS_PATH).respond_with_handler(lambda request: time.sleep(1.5))

    started = time.monotonic()
    response = clients.of(learner).get(SETTINGS_URL)

    assert_unavailable(response)
    assert time.monotonic() - started < 1.4  # the 0.5 s read timeout cut it short


def test_token_timeout_is_503(slow_lms, clients, learner):
    slow_lms.expect_request(TOKEN_PATH).respond_with_handler(lambda request: time.sleep(1.5))

    assert_unavailable(clients.of(learner).get(SETTINGS_URL))
    assert api_calls(slow_lms) == []


@pytest.mark.parametrize(
    "respond",
    [
        lambda handler: handler.respond_with_json({"error": "invalid_client"}, status=401),
        lambda handler: handler.respond_with_data("<html>login</html>", status=200, content_type="text/html"),
        lambda handler: handler.respond_with_json({"token_type": "JWT"}),
    ],
    ids=["refused", "not_json", "no_token"],
)
def test_token_failure_is_503(lms, clients, learner, respond):
    respond(lms.expect_request(TOKEN_PATH, method="POST"))

    assert_unavailable(clients.of(learner).get(SETTINGS_URL))
    assert api_calls(lms) == []


def test_upstream_5xx_with_json_is_passed_through(lms, clients, learner):
    issue_token(lms)
    lms.expect_request(SETTINGS_PATH).respond_with_json({"detail": "Backend not configured"}, status=500)

    response = clients.of(learner).get(SETTINGS_URL)

    assert response.status_code == 500
    assert response.json() == {"detail": "Backend not configured"}


@pytest.mark.parametrize("status", [200, 502])
def test_invalid_json_is_502(lms, clients, learner, status):
    issue_token(lms)
    lms.expect_request(SETTINGS_PATH).respond_with_data("<html>Bad gateway</html>", status=status)

    response = clients.of(learner).get(SETTINGS_URL)

    assert response.status_code == 502
    message = "Invalid JSON response received from edx-proctoring"
    assert response.json() == {"detail": message, "data": message}


@pytest.mark.parametrize(
    "overrides",
    [
        {"LMS_ROOT_URL": ""},
        {"BACKEND_SERVICE_EDX_OAUTH2_KEY": ""},
        {"BACKEND_SERVICE_EDX_OAUTH2_SECRET": ""},
        {"LEGACY_PROCTORING_ENABLED": False},
    ],
    ids=["no_lms", "no_key", "no_secret", "disabled"],
)
def test_without_configuration_nothing_is_forwarded(lms_server, clients, learner, course_staff, overrides):
    lms_server.clear()
    with override_settings(**router_settings(lms_server.url_for("").rstrip("/"), **overrides)):
        assert clients.of(course_staff).get(EXAMS_URL).json() == []  # local answer, not the legacy 404
        assert clients.of(learner).get(ONBOARDING_URL).status_code == 404
        settings_response = clients.of(learner).get(SETTINGS_URL)
        assert settings_response.status_code == 200
        assert settings_response.json() == {"proctoring_escalation_email": None}
    assert lms_server.log == []


def test_no_calls_in_the_default_test_settings(lms_server, clients, learner):
    lms_server.clear()
    assert clients.of(learner).get(ONBOARDING_URL).status_code == 404
    assert lms_server.log == []


def test_a_cache_outage_does_not_stop_forwarding(lms, clients, learner):
    issue_token(lms)
    lms.expect_request(SETTINGS_PATH).respond_with_json({"ok": True})
    dead_cache = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{closed_port()}/0",
        }
    }
    with override_settings(CACHES=dead_cache):
        responses = [clients.of(learner).get(SETTINGS_URL) for _ in range(2)]

    assert [response.status_code for response in responses] == [200, 200]
    assert len(calls_to(lms, TOKEN_PATH)) == 2  # nothing could be cached, so each call got its own token
