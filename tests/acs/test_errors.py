"""Bad requests from an authorized tool: 400 naming the field, 404 unknown learner/attempt, 409 wrong status,
415 other media types; never a 5xx, never a change."""

import json

import pytest
from django.test import Client

from exams.models import AttemptReview, ExamAttempt
from tests.acs.client import VENDOR_MEDIA_TYPE, control_body
from tests.acs.conftest import move_to

pytestmark = pytest.mark.django_db


@pytest.fixture
def token(acs_tool):
    return acs_tool.access_token()


def assert_nothing_changed(attempt, status="started"):
    fresh = ExamAttempt.objects.get(pk=attempt.pk)
    assert fresh.status == status and not fresh.is_paused and fresh.allowed_time_limit_mins == 60
    assert AttemptReview.objects.count() == 0


@pytest.mark.parametrize(
    "action, change, field",
    [
        ("flag", {"user": None}, "user"),
        ("flag", {"user": "abc"}, "user"),
        ("flag", {"user": {"iss": "x"}}, "user.sub"),
        ("flag", {"user": {"sub": 12}}, "user.sub"),
        ("flag", {"resource_link": None}, "resource_link"),
        ("flag", {"resource_link": {}}, "resource_link.id"),
        ("flag", {"attempt_number": None}, "attempt_number"),
        ("flag", {"attempt_number": "one"}, "attempt_number"),
        ("flag", {"attempt_number": 1.5}, "attempt_number"),
        ("flag", {"attempt_number": True}, "attempt_number"),
        ("flag", {"attempt_number": 0}, "attempt_number"),
        ("flag", {"attempt_number": 10**30}, "attempt_number"),
        ("flag", {"action": None}, "action"),
        ("dance", {}, "action"),
        ("flag", {"incident_time": None}, "incident_time"),
        ("flag", {"incident_time": "yesterday"}, "incident_time"),
        ("flag", {"incident_time": "2026-13-45T10:00:00Z"}, "incident_time"),
        ("flag", {"incident_time": "0001-01-01T00:00:00+05:00"}, "incident_time"),
        ("flag", {"incident_time": 1777777777}, "incident_time"),
        ("flag", {"incident_severity": "high"}, "incident_severity"),
        ("flag", {"incident_severity": 1.5}, "incident_severity"),
        ("flag", {"incident_severity": -0.1}, "incident_severity"),
        ("flag", {"incident_severity": "NaN"}, "incident_severity"),
        ("terminate", {"incident_severity": None}, "incident_severity"),
        ("terminate", {"reason_code": None}, "reason_code"),
        ("terminate", {"reason_code": {"code": 1}}, "reason_code"),
        ("terminate", {"reason_code": True}, "reason_code"),
        ("flag", {"reason_msg": 5}, "reason_msg"),
        ("update", {}, "extra_time"),
        ("update", {"extra_time": 0}, "extra_time"),
        ("update", {"extra_time": -60}, "extra_time"),
        ("update", {"extra_time": "ten"}, "extra_time"),
        ("update", {"extended_time": 1.5}, "extended_time"),
        ("update", {"extra_time": 60, "extended_time": 120}, "extra_time"),
        ("update", {"extra_time": 10**9}, "extra_time"),
    ],
)
def test_bad_field_is_400_naming_it(acs_tool, token, started_attempt, action, change, field):
    body = control_body(started_attempt, action)
    body.update(change)
    body = {k: v for k, v in body.items() if v is not None}
    response = acs_tool.post(body, token=token)
    assert response.status_code == 400, response.content
    assert response.json()["detail"].startswith(f"{field}:")
    assert_nothing_changed(started_attempt)


@pytest.mark.parametrize("raw", ["not json", "[1, 2]", '"flag"', "null", "\xff"])
def test_body_that_is_not_a_json_object_is_400(acs_tool, token, started_attempt, raw):
    response = acs_tool.post(None, token=token, raw=raw.encode("latin-1"))
    assert response.status_code == 400
    assert "JSON" in response.json()["detail"]
    assert_nothing_changed(started_attempt)


@pytest.mark.parametrize(
    "raw, message",
    [
        ('{"a": ' * 5000 + "1" + "}" * 5000, "nested"),
        ('{"extra": ' + "[" * 30 + "]" * 30 + "}", "nested"),
        ('{"reason_msg": "bad\\u0000byte"}', "NUL"),
    ],
)
def test_hostile_json_is_400(acs_tool, token, started_attempt, raw, message):
    response = acs_tool.post(None, token=token, raw=raw.encode())
    assert response.status_code == 400
    assert message in response.json()["detail"]


@pytest.mark.parametrize("media_type", ["text/plain", "application/x-www-form-urlencoded", ""])
def test_other_media_types_are_415(acs_tool, token, started_attempt, media_type):
    response = acs_tool.post(control_body(started_attempt, "pause"), token=token, media_type=media_type)
    assert response.status_code == 415
    assert response["Content-Type"] == "application/json"
    assert_nothing_changed(started_attempt)


@pytest.mark.parametrize("sub", ["not-a-uuid", "00000000-0000-0000-0000-000000000000", " "])
def test_unknown_user_is_404(acs_tool, token, started_attempt, sub):
    response = acs_tool.post(control_body(started_attempt, "terminate", user={"sub": sub}), token=token)
    assert response.status_code == 404, response.content
    assert "user" in response.json()["detail"].lower()
    assert_nothing_changed(started_attempt)


@pytest.mark.parametrize(
    "change",
    [{"resource_link": {"id": "no-such-exam"}}, {"attempt_number": 2}, {"attempt_number": "7"}],
)
def test_unknown_attempt_is_404(acs_tool, token, started_attempt, change):
    response = acs_tool.post(control_body(started_attempt, "terminate", **change), token=token)
    assert response.status_code == 404
    assert "attempt" in response.json()["detail"].lower()
    assert_nothing_changed(started_attempt)


def test_another_learners_attempt_is_404(acs_tool, token, started_attempt, other_learner):
    body = control_body(started_attempt, "terminate", user={"sub": str(other_learner.anonymous_user_id)})
    assert acs_tool.post(body, token=token).status_code == 404
    assert_nothing_changed(started_attempt)


def test_a_reset_attempt_is_404(acs_tool, token, started_attempt, course_staff):
    from exams.services.attempts import reset_attempt

    reset_attempt(attempt_id=started_attempt.pk, requesting_user=course_staff)
    assert acs_tool.post(control_body(started_attempt, "flag"), token=token).status_code == 404


@pytest.mark.parametrize(
    "status, action",
    [
        ("created", "terminate"),
        ("download_software_clicked", "terminate"),
        ("verified", "terminate"),
        ("rejected", "terminate"),
        ("error", "terminate"),
        ("second_review_required", "terminate"),
        ("created", "flag"),
        ("ready_to_start", "pause"),
        ("submitted", "pause"),
        ("submitted", "resume"),
        ("verified", "update"),
        ("ready_to_start", "update"),
    ],
)
def test_action_not_allowed_in_the_attempt_status_is_409(acs_tool, token, attempt, status, action):
    attempt = move_to(attempt, status)
    response = acs_tool.post(control_body(attempt, action, extra_time=60), token=token)
    assert response.status_code == 409, response.content
    assert response.json()["detail"]
    fresh = ExamAttempt.objects.get(pk=attempt.pk)
    assert fresh.status == status and not fresh.is_paused
    assert AttemptReview.objects.count() == 0


def test_409_rolls_the_whole_request_back(acs_tool, token, started_attempt):
    """A second, different terminate after the first: refused, no record, the first outcome stands."""
    assert acs_tool.post(control_body(started_attempt, "terminate"), token=token).status_code == 200
    second = control_body(started_attempt, "terminate", reason_code="0", incident_time="2026-05-01T11:00:00Z")
    assert acs_tool.post(second, token=token).status_code == 409
    assert ExamAttempt.objects.get(pk=started_attempt.pk).status == "verified"
    assert AttemptReview.objects.count() == 1


def test_get_is_405(acs_tool, token):
    response = Client().get(acs_tool.acs_path, HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 405


def test_errors_answer_in_the_vendor_media_type(acs_tool, token, started_attempt):
    response = acs_tool.post(control_body(started_attempt, "update"), token=token, media_type=VENDOR_MEDIA_TYPE)
    assert response.status_code == 400
    assert response["Content-Type"] == VENDOR_MEDIA_TYPE
    assert json.loads(response.content)["detail"].startswith("extra_time:")
