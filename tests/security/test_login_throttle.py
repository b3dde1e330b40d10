"""Password logins (xqueue, admin) are throttled per account and per client address, before any hashing."""

import logging
from unittest import mock

import pytest
from django.contrib.auth.hashers import MD5PasswordHasher
from django.core.cache import cache
from django.test import Client

from xqueue import services as xqueue_services

PASSWORD = "a-long-local-password-1"


@pytest.fixture(autouse=True)
def fresh_counters(settings):
    settings.LOGIN_THROTTLE_ACCOUNT_FAILURES = 5
    settings.LOGIN_THROTTLE_ADDRESS_FAILURES = 20
    settings.LOGIN_THROTTLE_WINDOW_SECONDS = 300
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def grader(db):
    xqueue_services.create_account(username="watcher", password=PASSWORD, role="grader")
    return "watcher"


@pytest.fixture
def admin_account(django_user_model):
    django_user_model.objects.create_superuser("boss", "boss@example.com", PASSWORD)
    return "boss"


def xqueue_login(client, username, password, address="203.0.113.7"):
    return client.post("/xqueue/login/", {"username": username, "password": password}, REMOTE_ADDR=address)


def admin_login(client, username, password, address="203.0.113.7"):
    return client.post("/admin/login/?next=/admin/", {"username": username, "password": password}, REMOTE_ADDR=address)


@pytest.mark.django_db
class TestXqueueLogin:
    def test_guessing_then_the_right_password_is_refused_with_429_in_the_envelope(self, grader, caplog):
        client = Client()
        for _ in range(40):
            xqueue_login(client, grader, "wrong")
        with caplog.at_level(logging.WARNING):
            response = xqueue_login(client, grader, PASSWORD)
        assert response.status_code == 429
        assert response.json()["return_code"] == 1
        assert "Too many failed logins" in response.json()["content"]
        assert int(response["Retry-After"]) > 0
        assert "throttled" in caplog.text and "watcher" in caplog.text

    def test_no_hash_is_computed_once_throttled(self, grader):
        client = Client()
        for _ in range(5):
            xqueue_login(client, grader, "wrong")
        with mock.patch.object(MD5PasswordHasher, "encode", wraps=MD5PasswordHasher().encode) as encode:
            for n in range(10):
                assert xqueue_login(client, grader, "wrong").status_code == 429
                assert xqueue_login(Client(), f"nobody{n}", "wrong", address="198.51.100.1").status_code == 200
        assert encode.call_count == 10  # only the unthrottled address's attempts were hashed

    def test_per_address_across_accounts(self, grader):
        client = Client()
        for n in range(20):
            assert xqueue_login(client, f"user{n}", "wrong").status_code == 200
        assert xqueue_login(client, grader, PASSWORD).status_code == 429
        assert xqueue_login(Client(), grader, PASSWORD, address="198.51.100.9").json()["return_code"] == 0

    def test_a_success_resets_the_account_counter(self, grader):
        client = Client()
        for _ in range(4):
            xqueue_login(client, grader, "wrong")
        assert xqueue_login(client, grader, PASSWORD).json()["return_code"] == 0
        for _ in range(4):
            xqueue_login(client, grader, "wrong")
        assert xqueue_login(client, grader, PASSWORD).json()["return_code"] == 0


@pytest.mark.django_db
class TestAdminLogin:
    def test_guessing_then_the_right_password_is_refused_with_429(self, admin_account, caplog):
        client = Client()
        for _ in range(40):
            admin_login(client, admin_account, "wrong")
        with caplog.at_level(logging.WARNING):
            response = admin_login(client, admin_account, PASSWORD)
        assert response.status_code == 429
        assert b"Too many failed logins" in response.content
        assert "throttled" in caplog.text
        assert Client().get("/admin/").status_code == 302

    def test_right_password_first_logs_in(self, admin_account):
        client = Client()
        assert admin_login(client, admin_account, PASSWORD).status_code == 302
        assert client.get("/admin/").status_code == 200
