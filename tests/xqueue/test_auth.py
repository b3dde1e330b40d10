"""Login, logout, status and the authentication status codes both clients depend on (C5-C9)."""

import pytest
from django.conf import settings
from django.test import Client

from tests.xqueue.conftest import PASSWORD, lms_body, lms_header, logged_in
from xqueue import services

pytestmark = pytest.mark.django_db


def test_get_login_hands_out_csrf_cookie_and_login_required_flag():
    response = Client().get("/xqueue/login/")
    assert response.status_code == 200
    assert response.json() == {"return_code": 1, "content": "login_required"}
    assert response.cookies["csrftoken"].value


@pytest.mark.parametrize(
    "data, message",
    [
        ({}, "Insufficient login info"),
        ({"username": "watcher"}, "Insufficient login info"),
        ({"password": PASSWORD}, "Insufficient login info"),
        ({"username": "watcher", "password": "wrong"}, "Incorrect login credentials"),
        ({"username": "nobody", "password": PASSWORD}, "Incorrect login credentials"),
    ],
)
def test_post_login_errors_are_application_errors(grader_account, data, message):
    response = Client(enforce_csrf_checks=True).post("/xqueue/login/", data)
    assert response.status_code == 200
    assert response.json() == {"return_code": 1, "content": message}
    assert settings.SESSION_COOKIE_NAME not in response.cookies


def test_post_login_is_csrf_exempt_and_sets_session_and_csrf_cookies(grader_account):
    response = Client(enforce_csrf_checks=True).post("/xqueue/login/", {"username": "watcher", "password": PASSWORD})
    assert response.json() == {"return_code": 0, "content": "Logged in"}
    assert response.cookies[settings.SESSION_COOKIE_NAME].value
    assert response.cookies["csrftoken"].value


def test_user_without_xqueue_group_cannot_log_in(django_user_model):
    django_user_model.objects.create_user(username="staff", password=PASSWORD, is_staff=True)
    response = Client().post("/xqueue/login/", {"username": "staff", "password": PASSWORD})
    assert response.json() == {"return_code": 1, "content": "Incorrect login credentials"}


def test_inactive_account_cannot_log_in(grader_account, django_user_model):
    django_user_model.objects.filter(username=grader_account).update(is_active=False)
    response = Client().post("/xqueue/login/", {"username": grader_account, "password": PASSWORD})
    assert response.json()["return_code"] == 1


def test_logout_ends_the_session(grader):
    response = grader.post("/xqueue/logout/")
    assert response.json() == {"return_code": 0, "content": "Goodbye"}
    assert grader.get("/xqueue/get_submission/", {"queue_name": "q"}).status_code == 302


def test_status_is_unauthenticated_health():
    response = Client().get("/xqueue/status/")
    assert response.status_code == 200
    assert response.json() == {"return_code": 0, "content": "OK"}


@pytest.mark.parametrize(
    "method, path",
    [
        ("get", "/xqueue/get_submission/?queue_name=python-grader"),
        ("get", "/xqueue/get_queuelen/?queue_name=python-grader"),
        ("post", "/xqueue/put_result/"),
        ("post", "/xqueue/submit/"),
    ],
)
def test_anonymous_requests_are_redirected_to_login(method, path):
    response = getattr(Client(), method)(path)
    assert response.status_code == 302
    assert response["Location"].startswith("/xqueue/login/?next=/xqueue/")


def test_anonymous_submit_after_redirects_reads_login_required_like_the_lms():
    response = Client().post("/xqueue/submit/", {"xqueue_header": lms_header(), "xqueue_body": lms_body()}, follow=True)
    assert response.status_code == 200
    assert response.json() == {"return_code": 1, "content": "login_required"}


def test_grader_cannot_submit_and_lms_cannot_pull(grader, lms, queue):
    assert grader.post("/xqueue/submit/", {"xqueue_header": lms_header(), "xqueue_body": "{}"}).status_code == 403
    assert lms.get("/xqueue/get_submission/", {"queue_name": queue.name}).status_code == 403
    assert lms.post("/xqueue/put_result/", {}).status_code == 403


def test_one_account_can_hold_both_roles(queue):
    services.create_account(username="both", password=PASSWORD, role="grader")
    services.create_account(username="both", password=PASSWORD, role="lms")
    client = logged_in("both")
    assert (
        client.post("/xqueue/submit/", {"xqueue_header": lms_header(), "xqueue_body": "{}"}).json()["return_code"] == 0
    )
    assert client.get("/xqueue/get_queuelen/", {"queue_name": queue.name}).json() == {"return_code": 0, "content": 1}


def test_paths_without_trailing_slash_redirect_rather_than_answer(grader):
    response = grader.get("/xqueue/get_submission", {"queue_name": "q"})
    assert response.status_code == 301
    assert response["Location"].startswith("/xqueue/get_submission/")
