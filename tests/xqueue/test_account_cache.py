"""xqueue sessions load their user through a short per-process cache; Django's session checks still apply."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from exams.models import User
from tests.xqueue.conftest import PASSWORD, QUEUE, logged_in
from xqueue import auth


@pytest.fixture
def account_cache(settings):
    auth.clear()
    settings.XQUEUE_ACCOUNT_CACHE_SECONDS = 60
    yield settings
    auth.clear()


def queuelen(client):
    return client.get("/xqueue/get_queuelen/", {"queue_name": QUEUE})


def user_queries(captured) -> int:
    return sum(1 for query in captured if User._meta.db_table in query["sql"].split("FROM", 1)[-1][:40])


@pytest.mark.django_db
def test_second_request_reads_no_user_row(account_cache, queue, grader_account):
    client = logged_in(grader_account)
    assert queuelen(client).json()["return_code"] == 0
    with CaptureQueriesContext(connection) as queries:
        assert queuelen(client).json() == {"return_code": 0, "content": 0}
    assert user_queries(queries.captured_queries) == 0


@pytest.mark.django_db
def test_without_the_cache_every_request_reads_the_user(settings, queue, grader_account):
    settings.XQUEUE_ACCOUNT_CACHE_SECONDS = 0
    client = logged_in(grader_account)
    queuelen(client)
    with CaptureQueriesContext(connection) as queries:
        queuelen(client)
    assert user_queries(queries.captured_queries) == 1


@pytest.mark.django_db
def test_password_change_ends_the_session_even_when_cached(account_cache, queue, grader_account):
    client = logged_in(grader_account)
    queuelen(client)  # the user is now cached
    user = User.objects.get(username=grader_account)
    user.set_password("a-new-password-2")
    user.save()
    auth.clear()  # the cache expired
    response = queuelen(client)
    assert response.status_code == 302  # back to the login page, as the watcher expects


@pytest.mark.django_db
def test_deactivation_applies_once_the_entry_expires(account_cache, queue, grader_account):
    client = logged_in(grader_account)
    queuelen(client)
    User.objects.filter(username=grader_account).update(is_active=False)
    assert queuelen(client).status_code == 200  # within XQUEUE_ACCOUNT_CACHE_SECONDS
    auth.clear()
    assert queuelen(client).status_code == 302


@pytest.mark.django_db
def test_admin_logins_do_not_use_the_cache(account_cache, client, django_user_model):
    django_user_model.objects.create_superuser("root", "root@example.com", PASSWORD)
    client.login(username="root", password=PASSWORD)
    assert client.session["_auth_user_backend"] == "exams.auth.backends.LocalAccountBackend"
    assert client.get("/admin/").status_code == 200
