"""No input changes which LMS endpoint is called: course keys with empty, `.` or `..` parts are refused where
they enter (edx-opaque-keys accepts `../../x` as a deprecated key), and every path segment sent is quoted."""

import pytest

from exams.keys import is_valid_course_key
from legacy_router import services
from legacy_router.conf import legacy_settings
from tests.legacy_router.conftest import API, api_calls, issue_token

STEERING_KEYS = ["../../x", "./x/y", "a/../b", "a//b", "../../active_attempt", "x/y/..", ".+x+y"]


@pytest.mark.parametrize("key", STEERING_KEYS)
def test_course_keys_with_dot_or_empty_parts_are_invalid(key):
    assert not is_valid_course_key(key)


@pytest.mark.parametrize("key", ["course-v1:edX+Test+2026", "edX/DemoX/Demo_Course", "edX/Demo.X/2026.1"])
def test_ordinary_course_keys_stay_valid(key):
    assert is_valid_course_key(key)


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/student/exam/attempt/course_id/%2E%2E/%2E%2E/active_attempt/content_id/x",
        "/api/v1/student/exam/attempt/course_id/../../active_attempt/content_id/x",
        "/api/v1/student/exam/attempt/course_id/%2E%2E/%2E%2E/%2E%2E/content_id/x",
        "/api/v1/exam/provider_settings/course_id/%2E%2E/%2E%2E/x/exam_id/7",
        "/api/v1/student/course_id/%2E%2E/%2E%2E/x/onboarding",
    ],
)
def test_a_learner_cannot_steer_the_forwarded_path(lms, clients, learner, path):
    issue_token(lms)
    lms.expect_request(f"{API}proctored_exam/active_attempt").respond_with_json({"secret": "another endpoint"})
    response = clients.of(learner).get(path)
    assert response.status_code in (400, 404), (path, response.status_code)
    assert "secret" not in response.content.decode()
    assert api_calls(lms) == []


def test_forwarded_segments_are_quoted(lms, db):
    issue_token(lms)
    lms.expect_request(f"{API}proctored_exam/exam_registration/course_id/edX/DemoX/Demo").respond_with_json([])
    result = services.register_exams(config=legacy_settings(), course_id="edX/DemoX/Demo", exams=[])
    assert result.status == 200
    [call] = api_calls(lms)
    raw = call.environ.get("RAW_URI") or call.environ.get("REQUEST_URI")
    assert raw == f"{API}proctored_exam/exam_registration/course_id/edX%2FDemoX%2FDemo"  # one segment on the wire
