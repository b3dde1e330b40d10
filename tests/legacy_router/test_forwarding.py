"""Each mapped endpoint of a legacy course is forwarded with the exact URL, token and transformation."""

from urllib.parse import parse_qs

import pytest

from tests.conftest import CONTENT_ID, COURSE_ID
from tests.legacy_router.conftest import API, SERVICE_TOKEN, TOKEN_PATH, api_calls, calls_to, issue_token

AUTH = {"Authorization": f"JWT {SERVICE_TOKEN}"}
EXAMS_URL = f"/api/v1/exams/course_id/{COURSE_ID}"
ATTEMPT_URL = f"/api/v1/student/exam/attempt/course_id/{COURSE_ID}/content_id/{CONTENT_ID}"
SETTINGS_URL = f"/api/v1/exam/provider_settings/course_id/{COURSE_ID}/exam_id/7"
ONBOARDING_URL = f"/api/v1/student/course_id/{COURSE_ID}/onboarding"

REGISTRATION = [
    {
        "content_id": "block-v1:edX+Test+2026+type@sequential+block@a",
        "exam_name": "A",
        "time_limit_mins": 30,
        "due_date": None,
        "exam_type": "proctored",
        "hide_after_due": False,
        "is_active": True,
        "backend": "null",
    },
    {
        "content_id": "block-v1:edX+Test+2026+type@sequential+block@b",
        "exam_name": "B",
        "time_limit_mins": 10,
        "due_date": None,
        "exam_type": "timed",
        "hide_after_due": True,
        "is_active": True,
    },
    {
        "content_id": "block-v1:edX+Test+2026+type@sequential+block@c",
        "exam_name": "C",
        "time_limit_mins": 10,
        "due_date": None,
        "exam_type": "practice",
        "hide_after_due": False,
        "is_active": True,
    },
    {
        "content_id": "block-v1:edX+Test+2026+type@sequential+block@d",
        "exam_name": "D",
        "time_limit_mins": 10,
        "due_date": None,
        "exam_type": "onboarding",
        "hide_after_due": False,
        "is_active": True,
    },
    {"content_id": "block-v1:edX+Test+2026+type@sequential+block@e", "exam_name": "E", "exam_type": "unknown"},
]
FLAGS = [(True, False), (False, False), (True, True), (True, True)]


@pytest.fixture(params=["no_config", "null_provider"])
def legacy_course(request, db):
    """Both legacy shapes of the routing rule: no configuration row, or a row whose provider is NULL."""
    if request.param == "null_provider":
        request.getfixturevalue("null_provider_config")
    return COURSE_ID


def test_exam_registration_is_forwarded_with_legacy_flags(lms, clients, course_staff, legacy_course):
    issue_token(lms)
    expected = [
        {**item, "is_proctored": p, "is_practice_exam": pr}
        for item, (p, pr) in zip(REGISTRATION[:4], FLAGS, strict=True)
    ]
    expected.append(REGISTRATION[-1])  # unknown exam_type: forwarded untouched
    lms.expect_request(
        f"{API}proctored_exam/exam_registration/course_id/{COURSE_ID}", method="PATCH", headers=AUTH, json=expected
    ).respond_with_json([{"exam_id": n} for n in range(1, 6)])

    response = clients.of(course_staff).patch(EXAMS_URL, REGISTRATION, format="json")

    assert response.status_code == 200, response.content
    assert response.json() == [{"exam_id": n} for n in range(1, 6)]
    assert len(api_calls(lms)) == 1


def test_exam_registration_passes_upstream_errors_through(lms, clients, global_staff, legacy_course):
    issue_token(lms)
    errors = {"detail": "Invalid data", "errors": [{"exam_name": ["This field is required."]}]}
    lms.expect_request(
        f"{API}proctored_exam/exam_registration/course_id/{COURSE_ID}", method="PATCH"
    ).respond_with_json(errors, status=422)

    response = clients.of(global_staff).patch(EXAMS_URL, REGISTRATION[:1], format="json")

    assert response.status_code == 422
    assert response.json() == errors


def test_exam_registration_rejects_a_non_list_locally(lms, clients, course_staff, legacy_course):
    response = clients.of(course_staff).patch(EXAMS_URL, {"exam_name": "A"}, format="json")

    assert response.status_code == 400
    assert response.json()["detail"] == "Invalid data"
    assert lms.log == []


def test_exam_registration_needs_course_staff(lms, clients, learner, other_course_staff, legacy_course):
    issue_token(lms)
    assert clients.of(learner).patch(EXAMS_URL, [], format="json").status_code == 403
    assert clients.of(other_course_staff).patch(EXAMS_URL, [], format="json").status_code == 403
    anonymous = clients.anonymous.patch(EXAMS_URL, [], format="json")
    assert anonymous.status_code == 401
    assert anonymous["WWW-Authenticate"] == 'JWT realm="api"'
    assert lms.log == []


def test_course_exams_get_is_404_empty_list_without_calling_the_lms(lms, clients, course_staff, legacy_course):
    response = clients.of(course_staff).get(EXAMS_URL)

    assert response.status_code == 404
    assert response.json() == []
    assert lms.log == []


def test_exam_attempt_is_forwarded_and_active_attempt_dropped(lms, clients, learner, legacy_course):
    issue_token(lms)
    body = {"exam": {"id": 3, "content_id": CONTENT_ID, "attempt": {"attempt_id": 9}}, "active_attempt": {"x": 1}}
    query = (
        "content_id=block-v1%3AedX%2BTest%2B2026%2Btype%40sequential%2Bblock%40proctored"
        f"&user_id={learner.lms_user_id}&is_learning_mfe=true"
    )
    lms.expect_request(
        f"{API}proctored_exam/attempt/course_id/{COURSE_ID}", method="GET", query_string=query, headers=AUTH
    ).respond_with_json(body)

    response = clients.of(learner).get(ATTEMPT_URL)

    assert response.status_code == 200, response.content
    assert response.json() == {"exam": body["exam"]}


def test_provider_settings_are_forwarded(lms, clients, learner, legacy_course):
    issue_token(lms)
    body = {"platform_name": "Open edX", "contact_us": "x", "link_urls": {}, "exam_proctoring_backend": {}}
    lms.expect_request(f"{API}proctored_exam/settings/exam_id/7/", method="GET", headers=AUTH).respond_with_json(body)

    response = clients.of(learner).get(SETTINGS_URL)

    assert response.status_code == 200
    assert response.json() == body


def _onboarding_query(username: str) -> str:
    return f"is_learning_mfe=true&course_id=course-v1%3AedX%2BTest%2B2026&username={username}"


def test_onboarding_of_the_caller_is_forwarded_with_their_username(lms, clients, learner, legacy_course):
    issue_token(lms)
    body = {"onboarding_status": "verified", "onboarding_link": None, "expiration_date": None}
    lms.expect_request(
        f"{API}user_onboarding/status", method="GET", query_string=_onboarding_query("learner"), headers=AUTH
    ).respond_with_json(body)

    assert clients.of(learner).get(ONBOARDING_URL).json() == body
    assert clients.of(learner).get(ONBOARDING_URL, {"username": "learner"}).json() == body
    assert len(api_calls(lms)) == 2


def test_onboarding_upstream_404_is_passed_through(lms, clients, learner, legacy_course):
    issue_token(lms)
    detail = {"detail": "There is no onboarding exam related to this course id."}
    lms.expect_request(f"{API}user_onboarding/status").respond_with_json(detail, status=404)

    response = clients.of(learner).get(ONBOARDING_URL)

    assert response.status_code == 404
    assert response.json() == detail


def test_a_learner_cannot_read_another_learners_onboarding(lms, clients, learner, other_course_staff, legacy_course):
    issue_token(lms)
    for caller in (learner, other_course_staff):
        response = clients.of(caller).get(ONBOARDING_URL, {"username": "other_learner"})
        assert response.status_code == 403
        assert "course staff" in response.json()["detail"]
    assert lms.log == []


@pytest.mark.parametrize("caller", ["course_staff", "global_staff"])
def test_staff_may_read_another_learners_onboarding(lms, clients, request, caller, legacy_course):
    issue_token(lms)
    lms.expect_request(
        f"{API}user_onboarding/status", query_string=_onboarding_query("other+learner%2Bx")
    ).respond_with_json({"onboarding_status": "submitted"})

    response = clients.of(request.getfixturevalue(caller)).get(ONBOARDING_URL, {"username": "other learner+x"})

    assert response.status_code == 200, response.content
    assert response.json() == {"onboarding_status": "submitted"}


def test_one_token_serves_many_calls(lms, clients, learner, legacy_course):
    issue_token(lms)
    lms.expect_request(f"{API}proctored_exam/settings/exam_id/7/").respond_with_json({"ok": True})

    for _ in range(5):
        assert clients.of(learner).get(SETTINGS_URL).status_code == 200

    token_requests = calls_to(lms, TOKEN_PATH)
    assert len(token_requests) == 1
    assert parse_qs(token_requests[0].get_data(as_text=True)) == {
        "grant_type": ["client_credentials"],
        "client_id": ["exams-backend-key"],
        "client_secret": ["exams-backend-secret"],
        "token_type": ["jwt"],
    }
    assert len(api_calls(lms)) == 5


def test_a_token_about_to_expire_is_not_reused(lms, clients, learner, legacy_course):
    issue_token(lms, expires_in=30)  # not longer than the 30 s safety margin
    lms.expect_request(f"{API}proctored_exam/settings/exam_id/7/").respond_with_json({"ok": True})

    for _ in range(3):
        assert clients.of(learner).get(SETTINGS_URL).status_code == 200

    assert len(calls_to(lms, TOKEN_PATH)) == 3


def test_a_rejected_cached_token_is_refreshed_once(lms, clients, learner, legacy_course):
    issue_token(lms, token="old-token")
    lms.expect_request(f"{API}proctored_exam/settings/exam_id/7/").respond_with_json({"ok": True})
    assert clients.of(learner).get(SETTINGS_URL).status_code == 200

    lms.clear()
    issue_token(lms, token="new-token")
    lms.expect_request(
        f"{API}proctored_exam/settings/exam_id/7/", headers={"Authorization": "JWT old-token"}
    ).respond_with_json({"detail": "expired"}, status=401)
    lms.expect_request(
        f"{API}proctored_exam/settings/exam_id/7/", headers={"Authorization": "JWT new-token"}
    ).respond_with_json({"ok": "fresh"})

    response = clients.of(learner).get(SETTINGS_URL)

    assert response.status_code == 200
    assert response.json() == {"ok": "fresh"}
    assert len(calls_to(lms, TOKEN_PATH)) == 1


def test_courses_with_a_provider_stay_local(lms, clients, course_staff, learner, course_config):
    issue_token(lms)
    assert clients.of(course_staff).get(EXAMS_URL).json() == []
    # The local serializer rejects this; a forwarded call would have reached the LMS instead.
    local_patch = clients.of(course_staff).patch(EXAMS_URL, [{"content_id": "x"}], format="json")
    assert local_patch.status_code == 400
    assert local_patch.json()["detail"] == "Invalid data"
    assert clients.of(learner).get(ATTEMPT_URL).json() == {"exam": {}}
    assert clients.of(learner).get(ONBOARDING_URL).status_code == 404
    assert lms.log == []


@pytest.mark.parametrize(
    ("method", "url", "caller"),
    [
        ("head", ATTEMPT_URL, "learner"),
        ("head", SETTINGS_URL, "learner"),
        ("head", ONBOARDING_URL, "learner"),
        ("head", EXAMS_URL, "course_staff"),
        ("post", EXAMS_URL, "course_staff"),
        ("post", ATTEMPT_URL, "learner"),
        ("put", ONBOARDING_URL, "learner"),
        ("delete", SETTINGS_URL, "learner"),
    ],
)
def test_methods_the_legacy_side_lacks_are_405(lms, clients, request, method, url, caller, legacy_course):
    response = getattr(clients.of(request.getfixturevalue(caller)), method)(url)

    assert response.status_code == 405
    if method != "head":
        assert response.json() == {"detail": f'Method "{method.upper()}" not allowed.'}
    assert lms.log == []


def test_invalid_course_key_is_400_not_forwarded(lms, clients, learner, db):
    response = clients.of(learner).get("/api/v1/student/course_id/not-a-course/onboarding")

    assert response.status_code == 400
    assert lms.log == []
