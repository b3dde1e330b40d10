"""The circuit opens after repeated failures, fails fast while open, and closes after a good probe."""

import time

import pytest
from django.test import override_settings

from legacy_router import breaker
from tests.conftest import COURSE_ID, require_service
from tests.legacy_router.conftest import API, api_calls, issue_token

SETTINGS_URL = f"/api/v1/exam/provider_settings/course_id/{COURSE_ID}/exam_id/7"
SETTINGS_PATH = f"{API}proctored_exam/settings/exam_id/7/"


def fail_three_times(lms, clients, user):
    for _ in range(3):
        assert clients.of(user).get(SETTINGS_URL).status_code == 503


def test_circuit_opens_and_fails_fast(lms, clients, learner):
    issue_token(lms)
    lms.expect_request(SETTINGS_PATH).respond_with_json({"detail": "down"}, status=503)

    fail_three_times(lms, clients, learner)
    response = clients.of(learner).get(SETTINGS_URL)

    assert response.status_code == 503
    assert response.json() == {"detail": "Legacy proctoring service unavailable"}
    assert 25 <= int(response["Retry-After"]) <= 30  # the remaining cool-down
    assert len(api_calls(lms)) == 3  # the fourth call never reached the LMS
    assert breaker.state()["state"] == "open"


def test_successes_reset_the_failure_count(lms, clients, learner):
    issue_token(lms)
    lms.expect_oneshot_request(SETTINGS_PATH).respond_with_json({}, status=500)
    lms.expect_oneshot_request(SETTINGS_PATH).respond_with_json({}, status=500)
    lms.expect_oneshot_request(SETTINGS_PATH).respond_with_json({"ok": True})
    lms.expect_oneshot_request(SETTINGS_PATH).respond_with_json({}, status=500)
    lms.expect_oneshot_request(SETTINGS_PATH).respond_with_json({}, status=500)
    lms.expect_request(SETTINGS_PATH).respond_with_json({"ok": True})

    statuses = [clients.of(learner).get(SETTINGS_URL).status_code for _ in range(6)]

    assert statuses == [500, 500, 200, 500, 500, 200]
    assert breaker.state()["state"] == "closed"


def test_upstream_4xx_does_not_count_as_failure(lms, clients, learner):
    issue_token(lms)
    lms.expect_request(SETTINGS_PATH).respond_with_json({"detail": "Exam not found"}, status=400)

    for _ in range(5):
        assert clients.of(learner).get(SETTINGS_URL).status_code == 400
    assert breaker.state()["state"] == "closed"


def test_circuit_half_opens_after_cool_down_and_closes_on_success(lms, clients, learner):
    issue_token(lms)
    with override_settings(LEGACY_PROCTORING_CIRCUIT_OPEN_SECONDS=1):
        for _ in range(3):
            lms.expect_oneshot_request(SETTINGS_PATH).respond_with_json({}, status=503)
        fail_three_times(lms, clients, learner)
        assert clients.of(learner).get(SETTINGS_URL).status_code == 503
        assert len(api_calls(lms)) == 3

        time.sleep(1.1)
        lms.expect_request(SETTINGS_PATH).respond_with_json({"ok": True})
        assert breaker.state()["state"] == "half_open"
        assert clients.of(learner).get(SETTINGS_URL).status_code == 200  # the probe

        assert breaker.state()["state"] == "closed"
        assert clients.of(learner).get(SETTINGS_URL).status_code == 200
        assert len(api_calls(lms)) == 5


def test_a_failed_probe_reopens_the_circuit(lms, clients, learner):
    issue_token(lms)
    lms.expect_request(SETTINGS_PATH).respond_with_json({}, status=503)
    with override_settings(LEGACY_PROCTORING_CIRCUIT_OPEN_SECONDS=1):
        fail_three_times(lms, clients, learner)
        time.sleep(1.1)
        assert clients.of(learner).get(SETTINGS_URL).status_code == 503  # the probe reached the LMS and failed
        assert len(api_calls(lms)) == 4
        assert clients.of(learner).get(SETTINGS_URL).status_code == 503
        assert len(api_calls(lms)) == 4  # open again: no call
        assert breaker.state()["state"] == "open"


@pytest.fixture
def redis_cache():
    import redis

    try:
        available = redis.Redis.from_url("redis://127.0.0.1:6379/15", socket_connect_timeout=1).ping()
    except redis.RedisError:
        available = False
    require_service("redis", available, "start Redis on 127.0.0.1:6379")
    caches = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:6379/15",
            "KEY_PREFIX": "legacy-router-test",
        }
    }
    with override_settings(CACHES=caches):
        from django.core.cache import cache

        cache.clear()
        yield redis.Redis.from_url("redis://127.0.0.1:6379/15")
        cache.clear()


def test_breaker_and_token_state_live_in_the_shared_redis_cache(lms, clients, learner, redis_cache):
    issue_token(lms)
    lms.expect_request(SETTINGS_PATH).respond_with_json({}, status=503)

    fail_three_times(lms, clients, learner)

    # Another process sees the same Redis keys: the open circuit and the service token.
    keys = {key.decode() for key in redis_cache.keys("legacy-router-test:*")}
    assert "legacy-router-test:1:legacy_router:breaker:open_until" in keys
    assert any(key.startswith("legacy-router-test:1:legacy_router:token:") for key in keys)
    assert clients.of(learner).get(SETTINGS_URL).status_code == 503
    assert len(api_calls(lms)) == 3
