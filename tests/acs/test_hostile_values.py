"""Hostile values in ACS requests (numbers `int()` chokes on, unstorable strings, oversized bodies): a 4xx
`{"detail"}` in JSON, never a 5xx, and nothing stored."""

import json

import pytest

from exams.models import AttemptReview
from tests.acs.client import control_body
from tests.acs.errors_helpers import assert_nothing_changed

pytestmark = pytest.mark.django_db


@pytest.fixture
def token(acs_tool):
    return acs_tool.access_token()


@pytest.mark.parametrize(
    "action, change, field",
    [
        ("flag", {"attempt_number": "²"}, "attempt_number"),
        ("flag", {"attempt_number": "٣"}, "attempt_number"),
        ("flag", {"attempt_number": "9" * 5000}, "attempt_number"),
        ("update", {"extra_time": "²"}, "extra_time"),
        ("update", {"extra_time": "9" * 5000}, "extra_time"),
        ("update", {"extended_time": "١٢"}, "extended_time"),
        ("update", {"extended_time": "9" * 5000}, "extended_time"),
    ],
)
def test_hostile_field_is_400_naming_it(acs_tool, token, started_attempt, action, change, field):
    body = {**control_body(started_attempt, action), **change}
    response = acs_tool.post(body, token=token)
    assert response.status_code == 400, response.content
    assert response.json()["detail"].startswith(f"{field}:")
    assert_nothing_changed(started_attempt)


@pytest.mark.parametrize(
    "extra, problem",
    [
        ({"\ud800": 1}, "Unicode"),
        ({"vendor": {"note": "\udc00"}}, "Unicode"),
        ({"vendor": ["a\x00"]}, "NUL"),
        ({"reason_msg": "\ud800"}, "Unicode"),
        ({"reason_message": "bad\udfff"}, "Unicode"),
        ({"reason_code": "\ud800"}, "Unicode"),
        ({"user": {"sub": "\ud800"}}, "Unicode"),
    ],
)
def test_unstorable_values_anywhere_in_the_body_are_400(acs_tool, token, started_attempt, extra, problem):
    response = acs_tool.post({**control_body(started_attempt, "terminate"), **extra}, token=token)
    assert response.status_code == 400, response.content
    assert problem in response.json()["detail"]
    assert AttemptReview.objects.count() == 0


@pytest.mark.parametrize("number", ["1e400", "-1e400", "Infinity", "NaN"])
def test_numbers_that_are_not_finite_are_400(acs_tool, token, started_attempt, number):
    raw = json.dumps(control_body(started_attempt, "flag", attempt_number=12345)).replace("12345", number)
    response = acs_tool.post(None, token=token, raw=raw.encode())
    assert response.status_code == 400, response.content
    assert_nothing_changed(started_attempt)


def test_body_over_the_size_limit_is_a_json_400(acs_tool, token, started_attempt, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 2000
    body = {**control_body(started_attempt, "flag"), "reason_msg": "x" * 5000}
    response = acs_tool.post(body, token=token)
    assert response.status_code == 400, response.content
    assert response["Content-Type"].startswith("application/json")
    assert "large" in json.loads(response.content)["detail"]
    assert_nothing_changed(started_attempt)
