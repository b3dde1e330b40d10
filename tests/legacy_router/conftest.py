"""A real HTTP server on loopback plays the LMS (OAuth2 token endpoint + edx-proctoring REST API)."""

import socket

import pytest
from django.core.cache import cache
from django.test import override_settings
from pytest_httpserver import HTTPServer

from exams.models import CourseExamConfiguration

API = "/api/edx_proctoring/v1/"
TOKEN_PATH = "/oauth2/access_token"
SERVICE_TOKEN = "service-worker-jwt"


@pytest.fixture(scope="session")
def lms_server():
    server = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    server.start()
    yield server
    server.clear()
    server.stop()


def router_settings(lms_root_url: str, **overrides) -> dict:
    return {
        "LMS_ROOT_URL": lms_root_url,
        "BACKEND_SERVICE_EDX_OAUTH2_KEY": "exams-backend-key",
        "BACKEND_SERVICE_EDX_OAUTH2_SECRET": "exams-backend-secret",
        "LEGACY_PROCTORING_ENABLED": True,
        "LEGACY_PROCTORING_CONNECT_TIMEOUT": 0.5,
        "LEGACY_PROCTORING_READ_TIMEOUT": 0.5,
        "LEGACY_PROCTORING_TOKEN_EXPIRY_MARGIN_SECONDS": 30,
        "LEGACY_PROCTORING_CIRCUIT_FAILURES": 3,
        "LEGACY_PROCTORING_CIRCUIT_WINDOW_SECONDS": 60,
        "LEGACY_PROCTORING_CIRCUIT_OPEN_SECONDS": 30,
        "LEGACY_PROCTORING_RETRY_AFTER_SECONDS": 7,
        **overrides,
    }


@pytest.fixture(autouse=True)
def clean_cache():
    cache.clear()  # token, breaker and metrics live in the cache
    yield
    cache.clear()


@pytest.fixture
def lms(lms_server):
    """The LMS, configured as the router's upstream, issuing a service token; `lms.log` records every call."""
    lms_server.clear()
    with override_settings(**router_settings(lms_server.url_for("").rstrip("/"))):
        yield lms_server
    lms_server.clear()


@pytest.fixture
def slow_lms(db):
    """A separate LMS for hanging handlers, so their late log entries cannot leak into other tests."""
    server = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    server.start()
    with override_settings(**router_settings(server.url_for("").rstrip("/"))):
        yield server
    server.clear()
    server.stop()


def issue_token(server: HTTPServer, *, expires_in: int = 3600, token: str = SERVICE_TOKEN) -> None:
    server.expect_request(TOKEN_PATH, method="POST").respond_with_json(
        {"access_token": token, "expires_in": expires_in, "token_type": "JWT", "scope": "read write"}
    )


def calls_to(server: HTTPServer, path: str) -> list:
    return [request for request, _ in server.log if request.path == path]


def api_calls(server: HTTPServer) -> list:
    return [request for request, _ in server.log if request.path.startswith(API)]


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def null_provider_config(db):
    from tests.conftest import COURSE_ID

    return CourseExamConfiguration.objects.create(course_id=COURSE_ID, provider=None)
