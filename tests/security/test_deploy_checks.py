"""Production refuses unsafe configuration: `manage.py check --deploy` fails and the server will not start."""

import json
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import jwt
import pytest
from django.core.checks import run_checks
from django.utils import timezone
from rest_framework.test import APIClient

from settings.keys import new_private_jwk

REPO = Path(__file__).resolve().parents[2]
DEV_JWT_SECRET = "lms-secret-for-local-development-only-32b"
GOOD_SECRET = "a" * 24 + "-production-jwt-secret-" + "b" * 16


def production_env(**overrides) -> dict:
    """A production-like environment that passes every check; tests break one thing at a time."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "JWT_", "TEST_"))}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "settings.production",
            "DJANGO_SECRET_KEY": "p" * 60,
            "DJANGO_ALLOWED_HOSTS": "exams.example.com",
            "EXAM_ACCESS_TOKEN_PRIVATE_JWK": new_private_jwk(),
            "JWT_ISSUER": "https://lms.example.com/oauth2",
            "JWT_AUDIENCE": "lms-key",
            "JWT_SECRET_KEY": GOOD_SECRET,
            "DATABASE_URL": "sqlite:///:memory:",
            "REDIS_URL": "redis://127.0.0.1:6379/0",
        }
    )
    env.update(overrides)
    return {key: value for key, value in env.items() if value is not None}


def manage(*args, **env) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=REPO,
        env=production_env(**env),
        capture_output=True,
        text=True,
        timeout=120,
    )


def deploy_errors() -> list[str]:
    return [
        message.id
        for message in run_checks(include_deployment_checks=True, tags=["exams_deploy"])
        if message.is_serious()
    ]


class TestCheckDeployInProduction:
    def test_a_production_like_environment_passes(self):
        result = manage("check", "--deploy")
        assert result.returncode == 0, result.stderr

    def test_no_jwt_secret_means_no_dev_secret_and_the_check_fails(self):
        result = manage("check", "--deploy", JWT_SECRET_KEY=None)
        assert result.returncode != 0
        assert "exams.E002" in result.stderr

    def test_the_development_jwt_secret_fails_the_check_and_the_server_refuses_to_start(self):
        assert "exams.E001" in manage("check", "--deploy", JWT_SECRET_KEY=DEV_JWT_SECRET).stderr
        started = subprocess.run(
            [sys.executable, "-c", "import exams_service.wsgi"],
            cwd=REPO,
            capture_output=True,
            text=True,
            env=production_env(JWT_SECRET_KEY=DEV_JWT_SECRET),
            timeout=120,
        )
        assert started.returncode != 0
        assert "exams.E001" in started.stderr


@pytest.mark.django_db
class TestEachCheck:
    def test_passes_with_safe_settings(self, safe):
        assert deploy_errors() == []

    @pytest.mark.parametrize("secret", [DEV_JWT_SECRET, "short-secret", "x" * 31])
    def test_known_or_short_jwt_secret(self, safe, settings, secret):
        settings.JWT_AUTH = {
            **settings.JWT_AUTH,
            "JWT_ISSUERS": [{**settings.JWT_AUTH["JWT_ISSUERS"][0], "SECRET_KEY": secret}],
        }
        assert "exams.E001" in deploy_errors()

    def test_short_django_secret_key(self, safe, settings):
        settings.SECRET_KEY = "too-short"
        assert "exams.E001" in deploy_errors()

    def test_hs256_without_a_secret(self, safe, settings):
        settings.JWT_AUTH = {
            **settings.JWT_AUTH,
            "JWT_ISSUERS": [{**settings.JWT_AUTH["JWT_ISSUERS"][0], "SECRET_KEY": ""}],
        }
        assert "exams.E002" in deploy_errors()
        settings.JWT_AUTH = {**settings.JWT_AUTH, "JWT_ALGORITHMS": ["RS256", "RS512"]}
        assert "exams.E002" not in deploy_errors()

    def test_development_exam_access_token_key(self, safe, settings, tmp_path):
        dev_key = new_private_jwk()
        settings.EXAM_ACCESS_TOKEN_DEV_KEY_PATH = tmp_path / "access_token_jwk.json"
        settings.EXAM_ACCESS_TOKEN_DEV_KEY_PATH.write_text(dev_key)
        settings.EXAM_ACCESS_TOKENS = {**settings.EXAM_ACCESS_TOKENS, "PRIVATE_JWK": dev_key}
        assert "exams.E003" in deploy_errors()

    def test_debug(self, safe, settings):
        settings.DEBUG = True
        assert "exams.E004" in deploy_errors()

    @pytest.mark.parametrize("hosts", [[], ["*"]])
    def test_missing_allowed_hosts(self, safe, settings, hosts):
        settings.ALLOWED_HOSTS = hosts
        assert "exams.E005" in deploy_errors()

    @pytest.mark.parametrize("name", ["SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY"])
    def test_insecure_cookies(self, safe, settings, name):
        setattr(settings, name, False)
        assert "exams.E006" in deploy_errors()

    def test_several_websocket_workers_without_a_shared_ticket_store(self, safe, settings):
        settings.ASGI_WORKERS = 2
        settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
        assert "exams.E007" in deploy_errors()
        settings.ASGI_WORKERS = 1
        assert "exams.E007" not in deploy_errors()

    def test_a_channel_layer_shared_across_hosts_needs_a_shared_ticket_store(self, safe, settings):
        """One worker per host, several hosts on one Redis channel layer: a per-process store lets a ticket in
        once per host."""
        settings.ASGI_WORKERS = 1
        settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
        settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer"}}
        assert "exams.E007" in deploy_errors()

    def test_dev_tools_enabled(self, safe, settings):
        settings.DEV_TOOLS_ENABLED = True
        assert "exams.E008" in deploy_errors()

    def test_the_service_secret_hasher_first_in_password_hashers(self, safe, settings):
        hasher = "exams_service.security.service_secrets.ServiceSecretHasher"
        settings.PASSWORD_HASHERS = [hasher, *settings.PASSWORD_HASHERS]
        assert "exams.E009" in deploy_errors()

    def test_a_weak_service_secret_hash_key(self, safe, settings):
        settings.SERVICE_SECRET_HASH_KEY = "short"
        assert "exams.E001" in deploy_errors()


@pytest.fixture
def safe(settings):
    settings.DEBUG = False
    settings.SECRET_KEY = "s" * 60
    settings.ALLOWED_HOSTS = ["exams.example.com"]
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = settings.SESSION_COOKIE_HTTPONLY = True
    settings.JWT_AUTH = {
        **settings.JWT_AUTH,
        "JWT_ISSUERS": [{"ISSUER": "https://lms.example.com/oauth2", "AUDIENCE": "lms-key", "SECRET_KEY": GOOD_SECRET}],
    }
    settings.ASGI_WORKERS = 2
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://x"}}
    settings.DEV_TOOLS_ENABLED = False
    return settings


@pytest.mark.django_db
def test_hs256_token_is_refused_when_the_issuer_has_no_secret(settings):
    """An RS-only deployment (no HS secret): an HS256 token signed with any key is refused."""
    issuer = {"ISSUER": "https://lms.example.com/oauth2", "AUDIENCE": "lms-key", "SECRET_KEY": ""}
    settings.JWT_AUTH = {**settings.JWT_AUTH, "JWT_ISSUERS": [issuer]}
    now = timezone.now()
    claims = {
        "iss": issuer["ISSUER"],
        "aud": "lms-key",
        "preferred_username": "mallory",
        "user_id": 666,
        "administrator": True,
        "exp": int((now + timedelta(minutes=5)).timestamp()),
    }
    for secret in (DEV_JWT_SECRET, "guess" * 8):
        token = jwt.encode(claims, secret, algorithm="HS256")
        response = APIClient().get("/api/v1/providers", HTTP_AUTHORIZATION=f"JWT {token}")
        assert response.status_code == 401, json.dumps(response.json())
