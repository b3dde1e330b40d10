"""The per-process cache of verified JWTs never outlives a token's expiry or a change of trusted issuers."""

import time
from datetime import timedelta

import pytest
from django.conf import settings
from django.test import override_settings
from django.utils import timezone
from freezegun import freeze_time

from exams.auth.tokens import InvalidToken, _verified, decode_jwt, encode_jwt


def token(minutes: int = 5, **claims) -> str:
    now = timezone.now()
    payload = {"preferred_username": "cached", "user_id": 7, "exp": int((now + timedelta(minutes=minutes)).timestamp())}
    return encode_jwt({**payload, **claims})


@pytest.fixture(autouse=True)
def empty_cache():
    _verified.clear()
    yield
    _verified.clear()


def test_a_verified_token_is_remembered():
    jwt = token()
    assert decode_jwt(jwt)["preferred_username"] == "cached"
    assert _verified.get(jwt, lambda: None)["user_id"] == 7


def test_a_remembered_token_still_expires():
    jwt = token(minutes=1)
    decode_jwt(jwt)
    with freeze_time(timezone.now() + timedelta(minutes=2)):
        with pytest.raises(InvalidToken, match="expired"):
            decode_jwt(jwt)


def test_a_rejected_token_is_not_remembered():
    tampered = token()[:-4] + "AAAA"
    for _ in range(2):
        with pytest.raises(InvalidToken):
            decode_jwt(tampered)
    assert _verified.get(tampered, lambda: None) is None


def test_changing_the_trusted_issuers_forgets_verified_tokens():
    jwt = token()
    decode_jwt(jwt)
    issuer = {**settings.JWT_AUTH["JWT_ISSUERS"][0], "SECRET_KEY": "a-different-secret-of-at-least-32-bytes!!"}
    with override_settings(JWT_AUTH={**settings.JWT_AUTH, "JWT_ISSUERS": [issuer]}):
        with pytest.raises(InvalidToken):
            decode_jwt(jwt)


@override_settings(JWT_VERIFIED_CACHE_SECONDS=0)
def test_zero_disables_the_cache():
    jwt = token()
    decode_jwt(jwt)
    assert _verified.get(jwt, lambda: None) is None
    assert time.time() < decode_jwt(jwt)["exp"]
