"""`/health/` and `/csrf/api/v1/token`."""

import socket
from unittest import mock

import pytest
from django.db.utils import OperationalError
from django.test import override_settings

from tests.conftest import redis_up, require_service


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.django_db
class TestHealth:
    def test_ok_without_auth(self, client):
        response = client.get("/health/")
        assert response.status_code == 200
        assert response.json() == {"overall_status": "OK", "detailed_status": {"database_status": "OK"}}

    def test_database_down_is_503(self, client):
        # The one boundary we cannot break for real inside the test database: make the cursor fail.
        with mock.patch("exams.rest.views.platform.connection.cursor", side_effect=OperationalError("gone")):
            response = client.get("/health/")
        assert response.status_code == 503
        assert response.json() == {
            "overall_status": "UNAVAILABLE",
            "detailed_status": {"database_status": "UNAVAILABLE"},
        }

    def test_redis_ok(self, client):
        require_service("redis", redis_up(), "start redis-server on 127.0.0.1:6379")
        with override_settings(REDIS_URL="redis://127.0.0.1:6379/0"):
            response = client.get("/health/")
        assert response.status_code == 200
        assert response.json()["detailed_status"] == {"database_status": "OK", "redis_status": "OK"}

    def test_redis_down_is_503(self, client):
        with override_settings(REDIS_URL=f"redis://127.0.0.1:{closed_port()}/0"):
            response = client.get("/health/")
        assert response.status_code == 503
        assert response.json() == {
            "overall_status": "UNAVAILABLE",
            "detailed_status": {"database_status": "OK", "redis_status": "UNAVAILABLE"},
        }

    def test_post_not_allowed(self, client):
        response = client.post("/health/")
        assert response.status_code == 405
        assert response.json() == {"detail": 'Method "POST" not allowed.'}


@pytest.mark.django_db
def test_csrf_token(client, settings):
    response = client.get("/csrf/api/v1/token")
    assert response.status_code == 200
    token = response.json()["csrfToken"]
    assert len(token) >= 32
    assert settings.CSRF_COOKIE_NAME in response.cookies


@pytest.mark.django_db
def test_csrf_token_works_for_a_cookie_authenticated_write(client, course_staff, provider):
    """The token from the endpoint lets a JWT-cookie client PATCH (without it: 403 CSRF Failed)."""
    from exams.services.dev_tokens import dev_jwt_for

    header_payload, signature = dev_jwt_for(course_staff).rsplit(".", 1)
    client.cookies["edx-jwt-cookie-header-payload"] = header_payload
    client.cookies["edx-jwt-cookie-signature"] = signature
    from django.test import Client

    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.cookies = client.cookies
    url = "/api/v1/configs/course_id/course-v1:edX+Test+2026"
    body = '{"provider": "test_provider", "escalation_email": null}'
    denied = csrf_client.patch(url, body, content_type="application/json")
    assert denied.status_code == 403
    assert denied.json()["detail"].startswith("CSRF Failed")
    token = csrf_client.get("/csrf/api/v1/token").json()["csrfToken"]
    allowed = csrf_client.patch(url, body, content_type="application/json", HTTP_X_CSRFTOKEN=token)
    assert allowed.status_code == 204
