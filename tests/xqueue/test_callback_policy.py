"""XQueue result callbacks go only to the configured LMS hosts, over http(s), to public addresses, without
following redirects; a submission naming another callback is refused at submit in the protocol's envelope."""

import pytest
from werkzeug import Response

from tests.xqueue.conftest import GOOD_RESULT, lms_header, pull, put_result
from xqueue.models import Submission

pytestmark = pytest.mark.django_db(transaction=True)
REFUSED = {"return_code": 1, "content": "Queue request has invalid format"}


def submit_raw(lms, callback_url: str):
    response = lms.post(
        "/xqueue/submit/", {"xqueue_header": lms_header(callback_url=callback_url), "xqueue_body": "{}"}
    )
    assert response.status_code == 200, response.content
    return response.json()


@pytest.mark.parametrize(
    "callback",
    [
        "file:///etc/passwd",
        "gopher://127.0.0.1:6379/_INFO",
        "http://[::1]:6379/",
        "http://internal-service.example/admin",
        "http://user:pass@lms.example/courses/x",
        "ftp://lms.example/x",
        "//lms.example/x",
    ],
)
def test_a_callback_outside_the_allow_list_is_refused_at_submit(lms, queue, settings, callback):
    settings.XQUEUE_CALLBACK_ALLOWED_HOSTS = []
    settings.LMS_ROOT_URL = "https://lms.example"
    assert submit_raw(lms, callback) == REFUSED
    assert not Submission.objects.exists()


def test_the_lms_root_url_host_is_the_default_allow_list(lms, queue, settings):
    settings.XQUEUE_CALLBACK_ALLOWED_HOSTS = []
    settings.LMS_ROOT_URL = "https://lms.example"
    assert submit_raw(lms, "https://lms.example/courses/c/xqueue/1/b/score_update")["return_code"] == 0


def test_a_loopback_lms_is_refused_unless_private_addresses_are_allowed(grader, lms, queue, settings, httpserver):
    """Production default: the allow-listed host resolves to loopback → no POST, the error is recorded."""
    httpserver.expect_request("/cb", method="POST").respond_with_data("")
    settings.OUTGOING_URLS_ALLOW_PRIVATE_ADDRESSES = False
    submit_raw(lms, httpserver.url_for("/cb"))
    assert put_result(grader, pull(grader)["xqueue_header"], GOOD_RESULT)["return_code"] == 0
    assert httpserver.log == []
    assert "non-public address" in Submission.objects.get().delivery_error


def test_redirects_are_not_followed_and_credentials_stay_home(grader, lms, queue, settings, httpserver):
    settings.XQUEUE_LMS_BASIC_AUTH = ["lms", "secret"]
    seen = []

    def record(request):
        seen.append((request.path, request.headers.get("Authorization")))
        return Response("", status=307, headers={"Location": httpserver.url_for("/internal-service/admin")})

    httpserver.expect_request("/cb", method="POST").respond_with_handler(record)
    httpserver.expect_request("/internal-service/admin").respond_with_handler(record)
    submit_raw(lms, httpserver.url_for("/cb"))
    put_result(grader, pull(grader)["xqueue_header"], GOOD_RESULT)
    assert [path for path, _ in seen] == ["/cb"]
    assert "307" in Submission.objects.get().delivery_error
