"""JWT authentication: header prefixes, cookie pair with CSRF, issuers, claims mapping, errors."""

import json
from datetime import timedelta

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from django.test import override_settings
from django.utils import timezone
from jwt.algorithms import RSAAlgorithm
from rest_framework.test import APIClient

from exams.auth.tokens import encode_jwt
from exams.models import User
from tests.conftest import COURSE_ID

CONFIG_URL = f"/api/v1/configs/course_id/{COURSE_ID}"


def claims(**overrides):
    now = timezone.now()
    base = {
        "preferred_username": "jwt_user",
        "user_id": 42,
        "email": "jwt@example.com",
        "full_name": "Jay Doubleyou",
        "administrator": False,
        "iat": int(now.timestamp()),
        "exp": int((now + timedelta(minutes=5)).timestamp()),
    }
    base.update(overrides)
    return base


def get_config(header=None, **extra):
    client = APIClient()
    if header:
        extra["HTTP_AUTHORIZATION"] = header
    return client.get(CONFIG_URL, **extra)


@pytest.mark.django_db
class TestHeaderTokens:
    @pytest.mark.parametrize("prefix", ["JWT", "Bearer"])
    def test_accepts_jwt_and_bearer_prefixes(self, prefix):
        response = get_config(f"{prefix} {encode_jwt(claims())}")
        assert response.status_code == 200

    def test_creates_user_from_claims_on_first_sight(self):
        get_config(f"JWT {encode_jwt(claims(administrator=True))}")
        user = User.objects.get(username="jwt_user")
        assert (user.lms_user_id, user.email, user.full_name, user.is_staff) == (
            42,
            "jwt@example.com",
            "Jay Doubleyou",
            True,
        )

    def test_name_claim_fills_full_name_and_claims_resync(self):
        get_config(f"JWT {encode_jwt(claims(full_name=None, name='Only Name'))}")
        get_config(f"JWT {encode_jwt(claims(full_name=None, name='Only Name', email='new@example.com'))}")
        user = User.objects.get(username="jwt_user")
        assert (user.full_name, user.email) == ("Only Name", "new@example.com")

    def test_anonymous_gets_401_with_realm(self):
        response = get_config()
        assert response.status_code == 401
        assert response.json() == {"detail": "Authentication credentials were not provided."}
        assert response["WWW-Authenticate"] == 'JWT realm="api"'

    @pytest.mark.parametrize(
        "token",
        [
            "garbage",
            "a.b.c",
            encode_jwt(claims(exp=1)),
            encode_jwt(
                claims(), issuer={"ISSUER": "https://evil", "AUDIENCE": "test-audience", "SECRET_KEY": "x" * 40}
            ),
            encode_jwt(
                claims(),
                issuer={
                    "ISSUER": "https://test-provider/oauth2",
                    "AUDIENCE": "other",
                    "SECRET_KEY": "test-secret-key-that-is-long-enough-for-hs256",
                },
            ),
            encode_jwt(
                claims(),
                issuer={
                    "ISSUER": "https://test-provider/oauth2",
                    "AUDIENCE": "test-audience",
                    "SECRET_KEY": "wrong-secret-wrong-secret-wrong-secret",
                },
            ),
            jwt.encode(claims(iss="https://test-provider/oauth2", aud="test-audience"), None, algorithm="none"),
        ],
        ids=["garbage", "not-json", "expired", "untrusted-issuer", "wrong-audience", "bad-signature", "alg-none"],
    )
    def test_bad_header_token_is_401_never_500(self, token):
        response = get_config(f"JWT {token}")
        assert response.status_code == 401
        assert response.json()["detail"] in {"Error decoding token.", "Token has expired."}

    def test_token_without_username_is_401(self):
        response = get_config(f"JWT {encode_jwt(claims(preferred_username=None))}")
        assert response.status_code == 401

    def test_malformed_authorization_header_is_401(self):
        assert get_config("JWT").status_code == 401
        assert get_config("JWT a b").status_code == 401

    def test_inactive_user_is_rejected(self):
        User.objects.create(username="jwt_user", is_active=False)
        assert get_config(f"JWT {encode_jwt(claims())}").status_code == 401


@pytest.mark.django_db
class TestRs256Issuer:
    def test_rs256_and_rs512_tokens_verified_with_jwk_set(self):
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        public_jwk = json.loads(RSAAlgorithm.to_jwk(key.public_key()))
        public_jwk["kid"] = "lms-key-1"
        jwk_set = json.dumps({"keys": [public_jwk]})
        payload = claims(iss="https://test-provider/oauth2", aud="test-audience")
        with override_settings(JWT_AUTH={**_jwt_auth(), "JWT_PUBLIC_SIGNING_JWK_SET": jwk_set}):
            for algorithm in ("RS256", "RS512"):
                token = jwt.encode(payload, key, algorithm=algorithm, headers={"kid": "lms-key-1"})
                assert get_config(f"JWT {token}").status_code == 200
            other_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
            forged = jwt.encode(payload, other_key, algorithm="RS256", headers={"kid": "lms-key-1"})
            assert get_config(f"JWT {forged}").status_code == 401


def _jwt_auth():
    from django.conf import settings

    return settings.JWT_AUTH


def split_cookie(token: str) -> tuple[str, str]:
    header, payload, signature = token.split(".")
    return f"{header}.{payload}", signature


@pytest.mark.django_db
class TestCookieAuth:
    def client_with_cookie(self, token):
        client = APIClient(enforce_csrf_checks=True)
        header_payload, signature = split_cookie(token)
        client.cookies["edx-jwt-cookie-header-payload"] = header_payload
        client.cookies["edx-jwt-cookie-signature"] = signature
        return client

    def test_cookie_pair_authenticates_reads(self):
        client = self.client_with_cookie(encode_jwt(claims()))
        assert client.get(CONFIG_URL).status_code == 200

    def test_invalid_cookie_is_forgiven_as_anonymous(self):
        client = self.client_with_cookie(encode_jwt(claims(exp=1)))
        response = client.get(CONFIG_URL)
        assert response.status_code == 401
        assert response.json()["detail"] == "Authentication credentials were not provided."

    def test_unsafe_method_with_cookie_requires_csrf(self):
        client = self.client_with_cookie(encode_jwt(claims(administrator=True)))
        body = {"provider": None, "escalation_email": None}
        response = client.patch(CONFIG_URL, body, format="json")
        assert response.status_code == 403
        assert response.json()["detail"].startswith("CSRF Failed")
        csrf = client.get("/csrf/api/v1/token").json()["csrfToken"]
        response = client.patch(CONFIG_URL, body, format="json", HTTP_X_CSRFTOKEN=csrf)
        assert response.status_code == 204

    def test_csrf_token_endpoint_sets_cookie(self):
        response = APIClient().get("/csrf/api/v1/token")
        assert response.status_code == 200
        assert response.json()["csrfToken"]
        assert "exams_csrftoken" in response.cookies


@pytest.mark.django_db
def test_cors_allows_credentials_and_use_jwt_cookie_header():
    with override_settings(CORS_ALLOWED_ORIGINS=["http://apps.example.com"]):
        response = APIClient().options(
            CONFIG_URL,
            HTTP_ORIGIN="http://apps.example.com",
            HTTP_ACCESS_CONTROL_REQUEST_METHOD="PATCH",
            HTTP_ACCESS_CONTROL_REQUEST_HEADERS="use-jwt-cookie, x-csrftoken",
        )
    assert response["Access-Control-Allow-Origin"] == "http://apps.example.com"
    assert response["Access-Control-Allow-Credentials"] == "true"
    assert "use-jwt-cookie" in response["Access-Control-Allow-Headers"]
