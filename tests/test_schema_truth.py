"""The OpenAPI schema cannot drift from the service: parameters, nullable fields and empty answers.

Every URL parameter the schema publishes must be the spec (or URL regex) the view validates with, every spec must
refuse exactly what lies outside its schema bounds, and real answers (unstarted attempts, nothing to show) must
validate against the schema as published.
"""

import re
import uuid

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator
from rest_framework.test import APIClient

from exams.keys import COURSE_KEY_PATTERN, is_valid_course_key
from exams.rest import urls as exam_urls
from exams.rest.pagination import BoundedLimitOffsetPagination
from exams.rest.views import attempts, instructor, providers
from exams.services.attempts import create_attempt
from exams_service.security.inputs import URL_TEXT_PATTERN, InputError
from exams_service.security.params import ID_REGEX, IdConverter, IntParam, TextParam, UuidParam
from monitoring import views as monitoring_views
from tests.conftest import COURSE_ID, auth_header
from tests.exams.test_schema import generate

INSTRUCTOR_ATTEMPTS = "/api/v1/instructor_view/course_id/{course_id}/attempts/"
EVENTS = "/api/v1/proctoring/monitor/exams/{exam_id}/events"
# (path, method, query parameter) → the spec the view reads it with
QUERY_SPECS = {
    ("/api/v1/exams/attempt/latest/", "get", "content_id"): attempts.CONTENT_ID,
    (INSTRUCTOR_ATTEMPTS, "get", "exam_id"): instructor.EXAM_ID,
    (EVENTS, "get", "after"): monitoring_views.AFTER,
    (EVENTS, "get", "limit"): monitoring_views.LIMIT,
    (EVENTS, "get", "session_id"): monitoring_views.SESSION_ID,
    ("/api/v1/providers/", "get", "org"): providers.ORG,
}
PAGINATED = {(INSTRUCTOR_ATTEMPTS, "get")}  # limit/offset read by the paginator (anything else: its default)


def _group_body(named_group: str) -> str:
    return re.fullmatch(r"\(\?P<\w+>(.*)\)", named_group).group(1)


# path parameter → the regex its URL pattern (or converter) matches; session_id uses Django's <uuid:> converter,
# course_id the course key form the views accept (narrower than the reference's URL regex)
PATH_REGEXES = {
    "content_id": _group_body(exam_urls.USAGE_KEY_PATTERN),
    "exam_id": ID_REGEX,
    "attempt_id": ID_REGEX,
    "allowance_id": ID_REGEX,
}


@pytest.fixture(scope="module")
def schema():
    return generate()[0]


def _operations(schema):
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            yield path, method, operation


def test_every_query_parameter_is_the_spec_its_view_validates_with(schema):
    seen = set()
    pagination = {p["name"]: p for p in BoundedLimitOffsetPagination().get_schema_operation_parameters(None)}
    for path, method, operation in _operations(schema):
        for parameter in operation.get("parameters", []):
            if parameter["in"] != "query":
                continue
            key = (path, method, parameter["name"])
            if (path, method) in PAGINATED and parameter["name"] in pagination:
                assert parameter["schema"] == pagination[parameter["name"]]["schema"], key
                continue
            assert key in QUERY_SPECS, f"{key}: declare it with an exams_service.security.params spec"
            spec = QUERY_SPECS[key]
            assert parameter["schema"] == spec.schema(), key
            assert parameter.get("required", False) == spec.required, key
            seen.add(key)
    assert seen == set(QUERY_SPECS)


def test_every_path_parameter_has_the_pattern_of_its_url(schema):
    for path, _method, operation in _operations(schema):
        for parameter in operation.get("parameters", []):
            if parameter["in"] != "path":
                continue
            name = parameter["name"]
            if name == "session_id":
                assert parameter["schema"] == {"type": "string", "format": "uuid"}, path
            elif name == "course_id":
                assert parameter["schema"] == {"type": "string", "pattern": COURSE_KEY_PATTERN}, path
            else:
                assert parameter["schema"] == {"type": "string", "pattern": f"^{PATH_REGEXES[name]}$"}, (path, name)


@settings(max_examples=500, deadline=None)
@given(st.from_regex(COURSE_KEY_PATTERN, fullmatch=True))
def test_every_course_key_the_schema_advertises_is_routed_and_accepted(course_id):
    assert re.fullmatch(_group_body(exam_urls.COURSE_ID_PATTERN), course_id)
    assert is_valid_course_key(course_id)


@pytest.mark.parametrize("refused", ["a", "course-v1:a+b", "course-v1:a+.+c", "./b/c", "a/../c", "course-v1:a+b+c/d"])
def test_what_the_course_key_pattern_refuses_the_views_refuse(refused):
    assert not re.search(COURSE_KEY_PATTERN, refused) and not is_valid_course_key(refused)


def test_the_id_converter_and_the_monitoring_urls_take_ids_as_the_schema_says():
    assert IdConverter.regex == ID_REGEX
    assert re.fullmatch(ID_REGEX, "9" * 18) and not re.fullmatch(ID_REGEX, "9" * 19)
    assert not re.fullmatch(ID_REGEX, "²")


@pytest.mark.parametrize("spec", [s for s in QUERY_SPECS.values() if isinstance(s, IntParam)], ids=lambda s: s.name)
def test_integer_specs_accept_their_schema_range_and_refuse_outside_it(spec):
    bounds = spec.schema()
    assert spec.read(str(bounds["minimum"])) == bounds["minimum"]
    assert spec.read(str(bounds["maximum"])) == bounds["maximum"]
    for outside in (bounds["minimum"] - 1, bounds["maximum"] + 1):
        with pytest.raises(InputError):
            spec.read(str(outside))
    for hostile in ("²", "1e3", "x", "9" * 5000):
        with pytest.raises(InputError):
            spec.read(hostile)


@pytest.mark.parametrize(
    "spec",
    [s for s in QUERY_SPECS.values() if isinstance(s, TextParam) and not isinstance(s, UuidParam)],
    ids=lambda s: s.name,
)
def test_text_specs_accept_their_schema_and_refuse_outside_it(spec):
    longest = "é" * spec.schema()["maxLength"]
    assert re.search(spec.schema()["pattern"], longest) and spec.read(longest) == longest
    assert spec.schema()["pattern"] == URL_TEXT_PATTERN
    for outside in (longest + "é", "a\x00b"):
        with pytest.raises(InputError):
            spec.read(outside)
    assert not re.search(URL_TEXT_PATTERN, "a\x00b")


def test_the_uuid_spec_accepts_exactly_its_pattern():
    spec = monitoring_views.SESSION_ID
    value = uuid.uuid4()
    for form in (str(value), str(value).upper()):
        assert re.search(spec.schema()["pattern"], form) and spec.read(form) == value
    for outside in (value.hex, f"{{{value}}}", f"urn:uuid:{value}", "nope"):
        assert not re.search(spec.schema()["pattern"], outside)
        with pytest.raises(InputError):
            spec.read(outside)


def test_start_clock_is_declared_as_the_view_parses_it(schema):
    declared = schema["components"]["schemas"]["CreateAttemptRequestRequest"]["properties"]["start_clock"]
    assert declared == {
        "oneOf": [{"type": "boolean"}, {"type": "string", "pattern": attempts.START_CLOCK_PATTERN}],
        "description": '"true" or "false" (a JSON boolean also works)',
    }
    for accepted, value in (("true", True), (" FALSE ", False), (True, True)):
        assert attempts.parse_start_clock(accepted) is value
    for refused in ("yes", "1", "truex"):
        assert not re.search(attempts.START_CLOCK_PATTERN, refused)
        with pytest.raises(Exception, match="start_clock"):
            attempts.parse_start_clock(refused)


# --- real answers against the published schema ------------------------------------------------------------------


def _json_schema(node):
    """OpenAPI 3.0 schema objects → JSON Schema 2020-12 (`nullable` becomes a null alternative)."""
    if isinstance(node, list):
        return [_json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    converted = {key: _json_schema(value) for key, value in node.items() if key != "nullable"}
    return {"anyOf": [converted, {"type": "null"}]} if node.get("nullable") else converted


def assert_answer_matches(schema, path: str, method: str, response):
    declared = schema["paths"][path][method]["responses"][str(response.status_code)]
    document = _json_schema(declared["content"]["application/json"]["schema"])
    document["components"] = _json_schema(schema["components"])
    errors = [error.message for error in Draft202012Validator(document).iter_errors(response.json())]
    assert not errors, (response.json(), errors)


def test_instructor_list_declares_the_nulls_of_an_unstarted_attempt(schema, learner, course_staff, timed_exam):
    attempt = create_attempt(user=learner, exam_id=timed_exam.pk, start_clock=False)
    client = APIClient(HTTP_AUTHORIZATION=auth_header(course_staff))
    response = client.get(f"/api/v1/instructor_view/course_id/{COURSE_ID}/attempts/?exam_id={timed_exam.pk}")
    assert response.status_code == 200
    row = response.json()["results"][0]
    assert row["attempt_id"] == attempt.pk
    assert row["start_time"] is None and row["end_time"] is None and row["allowed_time_limit_mins"] is None
    assert_answer_matches(schema, INSTRUCTOR_ATTEMPTS, "get", response)
    declared = schema["components"]["schemas"]["InstructorAttempt"]["properties"]
    assert all(declared[name].get("nullable") for name in ("start_time", "end_time", "allowed_time_limit_mins"))


@pytest.mark.django_db
def test_empty_answers_match_the_schema(schema, learner, timed_exam):
    client = APIClient(HTTP_AUTHORIZATION=auth_header(learner))
    latest = client.get(f"/api/v1/exams/attempt/latest/?content_id={timed_exam.content_id}")
    assert latest.status_code == 200 and latest.json() == {}
    assert_answer_matches(schema, "/api/v1/exams/attempt/latest/", "get", latest)
    student_path = "/api/v1/student/exam/attempt/course_id/{course_id}/content_id/{content_id}/"
    no_attempt = client.get(f"/api/v1/student/exam/attempt/course_id/{COURSE_ID}/content_id/{timed_exam.content_id}/")
    assert no_attempt.status_code == 200 and no_attempt.json()["exam"]["attempt"] == {}
    assert_answer_matches(schema, student_path, "get", no_attempt)
    no_exam = client.get(f"/api/v1/student/exam/attempt/course_id/{COURSE_ID}/content_id/block-v1:nope/")
    assert no_exam.status_code == 200 and no_exam.json() == {"exam": {}}
    assert_answer_matches(schema, student_path, "get", no_exam)


@pytest.mark.django_db
def test_refusals_have_the_declared_error_shape(schema, learner):
    client = APIClient(HTTP_AUTHORIZATION=auth_header(learner))
    for path, url in (
        ("/api/v1/exams/attempt/latest/", "/api/v1/exams/attempt/latest/?content_id=a%00b"),
        ("/api/v1/providers/", "/api/v1/providers/?org=" + "o" * 256),
    ):
        response = client.get(url)
        assert response.status_code == 400, response.content
        assert_answer_matches(schema, path, "get", response)
    every_status = {status for _, _, operation in _operations(schema) for status in operation["responses"]}
    assert {"400", "401", "403", "404", "405", "409", "415", "503"} <= every_status
    onboarding = ("/api/v1/student/course_id/{course_id}/onboarding/", "get", "404")  # empty body: MFE hides it
    for path, method, operation in _operations(schema):
        for status, response in operation["responses"].items():
            if status >= "400" and (path, method, status) != onboarding:
                assert response["content"]["application/json"]["schema"] == {
                    "$ref": "#/components/schemas/ErrorDetail"
                }, (path, method, status)
