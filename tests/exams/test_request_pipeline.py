"""What every API response keeps while token requests skip work they cannot use (exams_service.middleware,
exams.rest.negotiation, the URL order): security headers, CORS, CSRF, sessions, messages, history attribution."""

import json

import pytest
from django.contrib import messages
from django.contrib.sessions.models import Session
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import resolve
from rest_framework.test import APIClient

from exams.models import Exam
from exams_service.middleware import LazyMessageMiddleware, LazySessionMiddleware
from exams_service.response_headers import FastResponseHeaders
from tests.conftest import COURSE_ID, TIMED_CONTENT_ID
from tests.exams.test_auth import claims, encode_jwt, split_cookie
from tests.exams.test_course_exams_api import exam_item

LATEST = f"/api/v1/exams/attempt/latest?content_id={TIMED_CONTENT_ID}"
STUDENT_EXAM = f"/api/v1/student/exam/attempt/course_id/{COURSE_ID}/content_id/{TIMED_CONTENT_ID}"
MFE = "http://apps.example.com"


@pytest.fixture
def learner_client(clients, learner, timed_exam):
    return clients.of(learner)


@pytest.mark.django_db
class TestTokenReads:
    @pytest.mark.parametrize("url", [LATEST, STUDENT_EXAM])
    def test_security_headers_and_length_without_cookies_or_sessions(self, learner_client, url):
        response = learner_client.get(url)
        assert response.status_code == 200
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["X-Frame-Options"] == "DENY"
        assert response["Referrer-Policy"] == "same-origin"
        assert response["Content-Length"] == str(len(response.content))
        assert response["Content-Type"] == "application/json"
        assert "origin" in response["Vary"].lower()
        assert "cookie" not in response["Vary"].lower()
        assert not response.cookies
        assert Session.objects.count() == 0
        assert type(response.headers) is FastResponseHeaders  # adopted before DRF and the middlewares add theirs

    def test_polled_urls_resolve_to_their_views(self):
        assert resolve("/api/v1/exams/attempt/latest").url_name == "exams-attempt-latest"
        assert resolve("/api/v1/exams/attempt/latest/").url_name == "exams-attempt-latest"
        assert resolve("/api/v1/exams/attempt/7").url_name == "exams-attempt-detail"
        assert resolve("/api/v1/exams/attempt").url_name == "exams-attempt"
        assert resolve(STUDENT_EXAM).url_name == "student-course_exam_attempt"
        assert resolve(f"/api/v1/student/course_id/{COURSE_ID}/onboarding").url_name == "student-onboarding"
        assert resolve("/api/v1/proctoring/sessions").url_name == "monitoring-session"


@pytest.mark.django_db
class TestCors:
    @pytest.fixture(autouse=True)
    def mfe_origin(self, settings):
        settings.CORS_ALLOWED_ORIGINS = [MFE]

    def test_allowed_origin_gets_cors_headers(self, learner_client):
        response = learner_client.get(LATEST, HTTP_ORIGIN=MFE)
        assert response["Access-Control-Allow-Origin"] == MFE
        assert response["Access-Control-Allow-Credentials"] == "true"
        assert "origin" in response["Vary"].lower()

    def test_other_origin_gets_none(self, learner_client):
        response = learner_client.get(LATEST, HTTP_ORIGIN="http://evil.example.com")
        assert response.status_code == 200
        assert "Access-Control-Allow-Origin" not in response
        assert "origin" in response["Vary"].lower()

    def test_preflight(self):
        response = APIClient().options(
            LATEST, HTTP_ORIGIN=MFE, HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET", HTTP_ACCESS_CONTROL_REQUEST_HEADERS="x"
        )
        assert response.status_code == 200
        assert response["Access-Control-Allow-Origin"] == MFE
        assert "authorization" in response["Access-Control-Allow-Headers"]


@pytest.mark.django_db
class TestNegotiation:
    @pytest.mark.parametrize("accept", [None, "*/*", "application/json", "application/*", "text/html, */*;q=0.1"])
    def test_json_for_what_accepts_it(self, learner_client, accept):
        extra = {"HTTP_ACCEPT": accept} if accept is not None else {}
        response = learner_client.get(LATEST, **extra)
        assert response.status_code == 200
        assert response["Content-Type"] == "application/json"
        assert json.loads(response.content) == {}

    def test_parameters_reach_the_renderer(self, learner_client):
        response = learner_client.get(STUDENT_EXAM, HTTP_ACCEPT="application/json; indent=4")
        assert response.status_code == 200
        assert response.content.startswith(b'{\n    "')

    def test_unsatisfiable_accept_is_406(self, learner_client):
        response = learner_client.get(LATEST, HTTP_ACCEPT="text/html")
        assert response.status_code == 406
        assert "detail" in response.json()

    def test_unknown_format_override_is_404(self, learner_client):
        assert learner_client.get(LATEST + "&format=xml").status_code == 404
        assert learner_client.get(LATEST + "&format=json").status_code == 200


@pytest.mark.django_db
class TestCookieRequests:
    def test_cookie_authenticated_put_without_csrf_is_403(self, learner, timed_exam):
        client = APIClient(enforce_csrf_checks=True)
        client.cookies["edx-jwt-cookie-header-payload"], client.cookies["edx-jwt-cookie-signature"] = split_cookie(
            encode_jwt(claims(administrator=True))
        )
        response = client.put("/api/v1/exams/attempt/1", {"action": "submit"}, format="json")
        assert response.status_code == 403
        assert response.json()["detail"].startswith("CSRF Failed")

    def test_history_rows_name_the_token_user(self, clients, course_staff):
        response = clients.of(course_staff).patch(f"/api/v1/exams/course_id/{COURSE_ID}", [exam_item()], format="json")
        assert response.status_code == 200
        assert Exam.history.latest("history_id").history_user == course_staff


def ok(request):
    return HttpResponse("ok")


@pytest.mark.django_db
class TestLazyStores:
    def request(self, cookies=None):
        request = RequestFactory().get("/")
        request.COOKIES.update(cookies or {})
        LazySessionMiddleware(ok).process_request(request)
        LazyMessageMiddleware(ok).process_request(request)
        return request

    def respond(self, request):
        response = LazyMessageMiddleware(ok).process_response(request, HttpResponse("ok"))
        return LazySessionMiddleware(ok).process_response(request, response)

    def test_untouched_stores_leave_the_response_alone(self):
        response = self.respond(self.request())
        assert not response.cookies
        assert not response.has_header("Vary")
        assert Session.objects.count() == 0

    def test_a_read_session_varies_on_cookie(self):
        request = self.request()
        assert request.session.get("x") is None
        response = self.respond(request)
        assert response["Vary"] == "Cookie"
        assert not response.cookies

    def test_a_written_session_is_saved_and_sent(self, settings):
        request = self.request()
        request.session["x"] = 1
        response = self.respond(request)
        key = response.cookies[settings.SESSION_COOKIE_NAME].value
        assert Session.objects.get(session_key=key).get_decoded() == {"x": 1}

    def test_a_cookie_of_an_unknown_session_is_deleted(self, settings):
        request = self.request({settings.SESSION_COOKIE_NAME: "no-such-session"})
        assert request.session.get("x") is None
        response = self.respond(request)
        assert response.cookies[settings.SESSION_COOKIE_NAME]["max-age"] == 0

    def test_a_message_is_stored_and_read_back(self):
        request = self.request()
        messages.info(request, "saved")
        response = self.respond(request)
        assert response.cookies["messages"].value
        follow_up = self.request({"messages": response.cookies["messages"].value})
        assert [str(m) for m in messages.get_messages(follow_up)] == ["saved"]
