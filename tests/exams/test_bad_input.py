"""Garbage of every kind at the foundation endpoints: always a 4xx with a message, never a 5xx."""

import json

import pytest

from exams.models import CourseExamConfiguration, Exam
from tests.conftest import COURSE_ID

EXAMS_URL = f"/api/v1/exams/course_id/{COURSE_ID}"
CONFIG_URL = f"/api/v1/configs/course_id/{COURSE_ID}"
GOOD_EXAM = {
    "content_id": "block-v1:edX+Test+2026+type@sequential+block@x",
    "exam_name": "X",
    "time_limit_mins": 10,
    "due_date": None,
    "exam_type": "timed",
    "hide_after_due": False,
    "is_active": True,
}


def exam(**overrides):
    return [{**GOOD_EXAM, **overrides}]


RAW_BODIES = [
    ("malformed json", "application/json", "[{"),
    ("truncated json", "application/json", '{"provider": '),
    ("not utf-8", "application/json", b"\xff\xfe\x00garbage"),
    ("plain text", "text/plain", "hello"),
    ("xml", "application/xml", "<exams/>"),
    ("json scalar", "application/json", "42"),
    ("json string", "application/json", '"text"'),
    ("json null", "application/json", "null"),
    ("form encoded", "application/x-www-form-urlencoded", "provider=x&escalation_email=y"),
    ("deeply nested", "application/json", "[" * 5000 + "]" * 5000),
]

EXAM_BODIES = [
    ("string time limit", exam(time_limit_mins="ten")),
    ("negative time limit", exam(time_limit_mins=-1)),
    ("huge int", exam(time_limit_mins=10**30)),
    ("just past 32 bits", exam(time_limit_mins=2**31)),
    ("float time limit", exam(time_limit_mins=1.5)),
    ("bool as string", exam(is_active="perhaps")),
    ("list as name", exam(exam_name=["a"])),
    ("object as type", exam(exam_type={"a": 1})),
    ("unknown type", exam(exam_type="oral")),
    ("bad date", exam(due_date="2026-13-45")),
    ("overflowing date", exam(due_date="9999-12-31T23:59:59-12:00")),
    ("nul in name", exam(exam_name="a\x00b")),
    ("lone surrogate", exam(exam_name="\ud800")),
    ("content_id too long", exam(content_id="block-v1:edX+Test+2026+type@sequential+block@" + "x" * 300)),
    ("content_id not a key", exam(content_id="../../etc/passwd")),
    ("item not an object", [1, "two", None]),
    ("object body", {"exams": []}),
]

CONFIG_BODIES = [
    ("unknown provider", {"provider": "no_such_provider", "escalation_email": None}),
    ("provider as number", {"provider": 12345, "escalation_email": None}),
    ("provider as object", {"provider": {"name": "test_provider"}, "escalation_email": None}),
    ("huge provider name", {"provider": "p" * 100_000, "escalation_email": None}),
    ("nul in provider", {"provider": "test\x00provider", "escalation_email": None}),
    ("surrogate in email", {"provider": "test_provider", "escalation_email": "\udfff@example.com"}),
    ("email as list", {"provider": "test_provider", "escalation_email": ["a@example.com"]}),
    ("list body", [{"provider": "test_provider", "escalation_email": None}]),
    ("huge int email", {"provider": "test_provider", "escalation_email": 10**40}),
]


def assert_client_error(response):
    assert 400 <= response.status_code < 500, (response.status_code, response.content[:300])
    body = response.json()
    assert body, "an error must say what is wrong"
    if isinstance(body, dict) and "detail" in body:
        assert isinstance(body["detail"], str) and body["detail"]


@pytest.mark.django_db
class TestBadInput:
    @pytest.mark.parametrize("url", [EXAMS_URL, CONFIG_URL])
    @pytest.mark.parametrize("name,content_type,raw", RAW_BODIES, ids=[case[0] for case in RAW_BODIES])
    def test_raw_garbage(self, clients, global_staff, provider, url, name, content_type, raw):
        response = clients.of(global_staff).generic("PATCH", url, raw, content_type=content_type)
        assert_client_error(response)

    def test_malformed_json_message(self, clients, global_staff):
        response = clients.of(global_staff).generic("PATCH", EXAMS_URL, "[{", content_type="application/json")
        assert response.status_code == 400
        assert response.json()["detail"].startswith("JSON parse error")

    def test_wrong_content_type_message(self, clients, global_staff):
        response = clients.of(global_staff).generic("PATCH", EXAMS_URL, "hello", content_type="text/plain")
        assert response.status_code == 415
        assert response.json() == {"detail": 'Unsupported media type "text/plain" in request.'}

    @pytest.mark.parametrize("name,body", EXAM_BODIES, ids=[case[0] for case in EXAM_BODIES])
    def test_exam_registration_garbage(self, clients, global_staff, name, body):
        raw = json.dumps(body)  # ASCII-escaped, so a lone surrogate reaches the server as JSON allows
        response = clients.of(global_staff).generic("PATCH", EXAMS_URL, raw, content_type="application/json")
        assert_client_error(response)
        assert response.status_code == 400
        assert response.json()["detail"] == "Invalid data"
        assert not Exam.objects.exists()

    @pytest.mark.parametrize("name,body", CONFIG_BODIES, ids=[case[0] for case in CONFIG_BODIES])
    def test_config_garbage(self, clients, global_staff, provider, name, body):
        raw = json.dumps(body)
        response = clients.of(global_staff).generic("PATCH", CONFIG_URL, raw, content_type="application/json")
        assert_client_error(response)
        assert response.status_code == 400
        assert not CourseExamConfiguration.objects.exists()

    @pytest.mark.parametrize(
        "course_id", ["not-a-key", "course-v1:edX", "course-v1:edX+Test", "a:b:c", "course-v1:edX+Te st+2026"]
    )
    @pytest.mark.parametrize("base", ["/api/v1/exams/course_id/", "/api/v1/configs/course_id/"])
    @pytest.mark.parametrize("method", ["get", "patch"])
    def test_bad_course_key(self, clients, global_staff, course_id, base, method):
        response = getattr(clients.of(global_staff), method)(base + course_id, [], format="json")
        assert_client_error(response)

    def test_unroutable_course_key_is_json_404(self, clients, global_staff):
        response = clients.of(global_staff).get("/api/v1/exams/course_id/course-v1:edX+Test")
        assert (response.status_code, response.json()) == (404, {"detail": "Not found."})

    def test_deep_nesting_message(self, clients, global_staff):
        raw = "[" * 5000 + "]" * 5000
        response = clients.of(global_staff).generic("PATCH", EXAMS_URL, raw, content_type="application/json")
        assert response.status_code == 400
        assert response.json() == {"detail": "JSON parse error - the body is nested too deeply."}

    def test_bad_course_key_message(self, clients, global_staff):
        response = clients.of(global_staff).get("/api/v1/exams/course_id/not-a-key")
        assert response.status_code == 400
        assert response.json() == {"detail": "Invalid course key: not-a-key"}

    @pytest.mark.parametrize(
        "url,method",
        [
            (EXAMS_URL, "POST"),
            (EXAMS_URL, "PUT"),
            (EXAMS_URL, "DELETE"),
            (CONFIG_URL, "POST"),
            (CONFIG_URL, "PUT"),
            (CONFIG_URL, "DELETE"),
            ("/api/v1/providers", "POST"),
            ("/api/v1/providers", "PATCH"),
            ("/api/v1/providers", "DELETE"),
            ("/health/", "DELETE"),
            ("/csrf/api/v1/token", "POST"),
        ],
    )
    def test_unsupported_method(self, clients, global_staff, url, method):
        response = clients.of(global_staff).generic(method, url, "{}", content_type="application/json")
        assert response.status_code == 405
        assert response.json() == {"detail": f'Method "{method}" not allowed.'}

    @pytest.mark.parametrize("org", ["' OR 1=1 --", "%", "_"])
    def test_provider_org_is_matched_literally(self, clients, org):
        response = clients.anonymous.get("/api/v1/providers", {"org": org})
        assert (response.status_code, response.json()) == (200, [])

    @pytest.mark.parametrize("org", ["x" * 10_000, "a\x00b"])
    def test_provider_org_garbage(self, clients, org):
        response = clients.anonymous.get("/api/v1/providers", {"org": org})
        assert (response.status_code, response.json()) == (400, {"detail": "org must be an organization key."})

    @pytest.mark.parametrize(
        "header",
        ["JWT " + "a" * 20_000, "JWT \u00e9\u00e9.\u00e9.\u00e9", "JWT one two", "JWT e30.e30.", "JWT bnVsbA.bnVsbA.x"],
    )
    def test_garbage_tokens(self, clients, header):
        response = clients.anonymous.get(CONFIG_URL, HTTP_AUTHORIZATION=header)
        assert response.status_code == 401
        assert response.json()["detail"]

    def test_nothing_is_written_after_garbage(self, clients, global_staff, proctored_exam):
        client = clients.of(global_staff)
        client.generic("PATCH", EXAMS_URL, json.dumps(exam(time_limit_mins="x")), content_type="application/json")
        proctored_exam.refresh_from_db()
        assert proctored_exam.is_active
