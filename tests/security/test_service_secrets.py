"""Generated service-account secrets: fast keyed hash, never re-hashed, never for human passwords, never in clear.

Tests that matter for production run with production's PASSWORD_HASHERS (test settings put MD5 first for speed).
"""

import logging
from io import StringIO

import pytest
from django.contrib.auth.hashers import make_password
from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client

from exams_service.security import service_secrets
from settings.base import PASSWORD_HASHERS as PRODUCTION_HASHERS
from tests.conftest import make_user
from xqueue import services as xqueue_services

pytestmark = pytest.mark.django_db
FAST = service_secrets.ALGORITHM + "$"
SLOW = "pbkdf2_sha256$"


@pytest.fixture
def production_hashers(settings):
    settings.PASSWORD_HASHERS = PRODUCTION_HASHERS
    assert PRODUCTION_HASHERS[0] == "django.contrib.auth.hashers.PBKDF2PasswordHasher"


@pytest.fixture(autouse=True)
def fresh_counters():
    cache.clear()
    yield
    cache.clear()


def create(*args) -> tuple[str, str]:
    """Run xqueue_create_account; (stdout, the printed secret: its last line)."""
    out, err = StringIO(), StringIO()
    call_command("xqueue_create_account", *args, stdout=out, stderr=err)
    assert err.getvalue() == ""
    return out.getvalue(), out.getvalue().strip().splitlines()[-1]


def login(client: Client, username: str, password: str) -> dict:
    return client.post("/xqueue/login/", {"username": username, "password": password}).json()


def stored_hash(django_user_model, username: str) -> str:
    return django_user_model.objects.get(username=username).password


class TestAttacker:
    def test_a_wrong_or_partial_secret_is_refused(self, production_hashers):
        _, secret = create("grader", "watcher")
        other_char = "A" if secret[-1] != "A" else "B"
        for guess in (secret[:-1] + other_char, secret[:-1], secret + "x", "", "hunter2", secret.upper()):
            reply = login(Client(), "watcher", guess)
            assert reply["return_code"] == 1, guess

    def test_the_hash_depends_on_the_server_key(self, production_hashers, settings):
        """A stolen hash cannot be checked against guesses without the key (held outside the database)."""
        settings.SERVICE_SECRET_HASH_KEY = "k" * 40
        _, secret = create("grader", "watcher")
        assert login(Client(), "watcher", secret)["return_code"] == 0
        settings.SERVICE_SECRET_HASH_KEY = "another-key-" * 4
        assert login(Client(), "watcher", secret)["return_code"] == 1

    def test_guessing_a_service_account_is_still_throttled(self, production_hashers, settings):
        settings.LOGIN_THROTTLE_ACCOUNT_FAILURES = 5
        _, secret = create("grader", "watcher")
        client = Client()
        for _ in range(6):
            login(client, "watcher", "guess")
        response = client.post("/xqueue/login/", {"username": "watcher", "password": secret})
        assert response.status_code == 429

    def test_the_secret_is_printed_once_and_never_logged_or_stored_in_clear(self, production_hashers, caplog):
        with caplog.at_level(logging.DEBUG):
            output, secret = create("grader", "watcher")
            assert login(Client(), "watcher", secret)["return_code"] == 0
            login(Client(), "watcher", secret[:-2])
            rotated_output, rotated = create("grader", "watcher", "--rotate")
        assert output.count(secret) == 1 and rotated_output.count(rotated) == 1
        assert secret not in rotated_output
        assert len(secret) >= service_secrets.MIN_SECRET_LENGTH
        logged = caplog.text + "".join(str(record.args) for record in caplog.records)
        assert secret not in logged and rotated not in logged
        with connection.cursor() as cursor:
            cursor.execute("SELECT * FROM exams_user")
            row_text = repr(cursor.fetchall())
        assert secret not in row_text and rotated not in row_text


class TestGeneratedSecrets:
    def test_login_uses_the_fast_hasher(self, production_hashers, django_user_model):
        output, secret = create("grader", "watcher")
        assert "Created grader account 'watcher'" in output
        assert stored_hash(django_user_model, "watcher").startswith(FAST)
        assert login(Client(), "watcher", secret) == {"return_code": 0, "content": "Logged in"}

    def test_the_hash_is_never_rehashed_by_logins(self, production_hashers, django_user_model):
        """Django upgrades hashes not made by the first hasher: PBKDF2 would make every later login slow."""
        _, secret = create("grader", "watcher")
        before = stored_hash(django_user_model, "watcher")
        for _ in range(10):
            assert login(Client(), "watcher", secret)["return_code"] == 0
        assert stored_hash(django_user_model, "watcher") == before
        assert django_user_model.objects.get(username="watcher").check_password(secret)
        assert stored_hash(django_user_model, "watcher") == before

    def test_rotation_replaces_the_secret_and_ends_sessions(self, production_hashers, django_user_model):
        _, old = create("grader", "watcher")
        client = Client()
        assert login(client, "watcher", old)["return_code"] == 0
        assert client.get("/xqueue/get_queuelen/", {"queue_name": "q"}).status_code == 200
        output, new = create("grader", "watcher", "--rotate")
        assert "Rotated the secret" in output and new != old
        assert stored_hash(django_user_model, "watcher").startswith(FAST)
        assert client.get("/xqueue/get_queuelen/", {"queue_name": "q"}).status_code == 302
        assert login(Client(), "watcher", old)["return_code"] == 1
        assert login(Client(), "watcher", new)["return_code"] == 0

    def test_an_existing_account_is_not_silently_given_a_new_secret(self, django_user_model):
        _, secret = create("grader", "watcher")
        before = stored_hash(django_user_model, "watcher")
        with pytest.raises(CommandError, match="--rotate"):
            create("grader", "watcher")
        assert stored_hash(django_user_model, "watcher") == before

    def test_an_lms_identity_never_gets_a_secret(self, django_user_model):
        learner = make_user("learner-1")
        for args in (("grader", "learner-1"), ("grader", "learner-1", "--rotate")):
            with pytest.raises(CommandError, match="LMS identity"):
                create(*args)
        assert django_user_model.objects.get(pk=learner.pk).password == learner.password

    def test_rotation_moves_an_operator_chosen_password_to_a_generated_secret(
        self, production_hashers, django_user_model
    ):
        create("grader", "watcher", "--password", "an operator chosen password")
        _, secret = create("grader", "watcher", "--rotate")
        assert stored_hash(django_user_model, "watcher").startswith(FAST)
        assert login(Client(), "watcher", "an operator chosen password")["return_code"] == 1
        assert login(Client(), "watcher", secret)["return_code"] == 0

    def test_rotation_needs_an_existing_account_and_no_password(self):
        with pytest.raises(CommandError, match="does not exist"):
            create("grader", "nobody", "--rotate")
        with pytest.raises(CommandError, match="does not take a password"):
            create("grader", "nobody", "--rotate", "--password", "chosen-password-1")


class TestHumanPasswords:
    def test_set_password_uses_pbkdf2(self, production_hashers, django_user_model):
        staff = django_user_model.objects.create_superuser("boss", "boss@example.com", "a human password")
        assert staff.password.startswith(SLOW)
        staff.set_password("another human password, long enough to pass the length guard")
        assert staff.password.startswith(SLOW)

    def test_an_operator_chosen_password_stays_stretched_and_keeps_working(self, production_hashers, django_user_model):
        chosen = "an operator chosen password that is also rather long"
        create("grader", "watcher", "--password", chosen)
        assert stored_hash(django_user_model, "watcher").startswith(SLOW)
        for _ in range(3):
            assert login(Client(), "watcher", chosen)["return_code"] == 0
        assert stored_hash(django_user_model, "watcher").startswith(SLOW)

    def test_a_password_set_over_a_generated_secret_is_stretched(self, production_hashers, django_user_model):
        create("grader", "watcher")
        xqueue_services.create_account(username="watcher", password="operator takes over", role="grader")
        assert stored_hash(django_user_model, "watcher").startswith(SLOW)
        assert login(Client(), "watcher", "operator takes over")["return_code"] == 0

    def test_the_fast_hasher_refuses_anything_shorter_than_a_generated_secret(self, settings, django_user_model):
        with pytest.raises(ValueError, match="generated secrets"):
            make_password("correct horse battery staple", hasher=service_secrets.ALGORITHM)
        settings.PASSWORD_HASHERS = [service_secrets.HASHER, *PRODUCTION_HASHERS[:-1]]  # misconfigured first
        with pytest.raises(ValueError, match="generated secrets"):
            django_user_model.objects.create_superuser("boss", "boss@example.com", "correct horse battery staple")


class TestGivenSecret:
    """`--secret`: a secret generated elsewhere (Tutor's config) is stored like a generated one, idempotently."""

    SECRET = "Zq3vR8kLm2Xp7TnW4yBc9HdFg6Js5KaE1uVo0iQxYzPr"

    def test_creates_then_keeps_the_hash_of_the_same_secret(self, db, django_user_model):
        out = StringIO()
        call_command("xqueue_create_account", "grader", "tutor-watcher", "--secret", self.SECRET, stdout=out)
        assert "Created grader account 'tutor-watcher'" in out.getvalue()
        assert self.SECRET not in out.getvalue()
        user = django_user_model.objects.get(username="tutor-watcher")
        assert service_secrets.is_secret_hash(user.password) and user.check_password(self.SECRET)
        stored = user.password
        call_command("xqueue_create_account", "grader", "tutor-watcher", "--secret", self.SECRET, stdout=StringIO())
        user.refresh_from_db()
        assert user.password == stored  # a rerun of the init job keeps the watcher's sessions
        xqueue_services.store_secret(username="tutor-watcher", role="grader", secret=self.SECRET[::-1])
        user.refresh_from_db()
        assert user.check_password(self.SECRET[::-1]) and not user.check_password(self.SECRET)

    def test_moves_an_account_with_a_chosen_password_to_the_secret(self, db, django_user_model):
        xqueue_services.create_account(username="old-watcher", password="chosen-password-1", role="grader")
        call_command("xqueue_create_account", "grader", "old-watcher", "--secret", self.SECRET, stdout=StringIO())
        user = django_user_model.objects.get(username="old-watcher")
        assert service_secrets.is_secret_hash(user.password) and not user.check_password("chosen-password-1")

    @pytest.mark.parametrize(
        "secret",
        ["too-short-1", "correct horse battery staple and a few more words", "ab" * 30, "é" * 50],
    )
    def test_a_human_password_or_short_secret_is_refused(self, db, django_user_model, secret):
        with pytest.raises(CommandError, match="at least 43 random URL-safe characters"):
            call_command("xqueue_create_account", "grader", "w", "--secret", secret, stdout=StringIO())
        assert not django_user_model.objects.filter(username="w").exists()

    def test_secret_excludes_rotate_and_password(self, db):
        with pytest.raises(CommandError, match="does not take"):
            call_command("xqueue_create_account", "grader", "w", "--secret", self.SECRET, "--rotate")
        with pytest.raises(CommandError, match="not both"):
            call_command("xqueue_create_account", "grader", "w", "--secret", self.SECRET, "--password", "p")

    def test_the_secret_can_come_from_the_environment(self, db, django_user_model, monkeypatch):
        monkeypatch.setenv("XQUEUE_ACCOUNT_SECRET", self.SECRET)
        call_command("xqueue_create_account", "lms", "tutor-lms", stdout=StringIO())
        assert django_user_model.objects.get(username="tutor-lms").check_password(self.SECRET)
