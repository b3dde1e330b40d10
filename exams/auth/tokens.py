"""Decoding and verification of LMS JWTs against the configured issuers."""

import json
import logging
import time
from functools import lru_cache

import jwt
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from jwt.algorithms import RSAAlgorithm

from exams_service.ttl_cache import TTLCache

log = logging.getLogger(__name__)


class InvalidToken(Exception):
    """The token is malformed, expired, or not signed by a trusted issuer."""


@lru_cache(maxsize=8)
def _public_keys(jwk_set_json: str) -> dict[str | None, object]:
    keys: dict[str | None, object] = {}
    if not jwk_set_json:
        return keys
    for jwk in json.loads(jwk_set_json).get("keys", []):
        if jwk.get("kty") == "RSA":
            keys[jwk.get("kid")] = RSAAlgorithm.from_jwk(json.dumps(jwk))
    return keys


def _issuer_config(issuer: str) -> dict:
    for config in settings.JWT_AUTH["JWT_ISSUERS"]:
        if config["ISSUER"] == issuer:
            return config
    raise InvalidToken("Token issuer is not trusted.")


def _verification_key(header: dict, issuer: dict):
    algorithm = header.get("alg", "")
    if algorithm not in settings.JWT_AUTH["JWT_ALGORITHMS"]:
        raise InvalidToken("Token algorithm is not allowed.")
    if algorithm.startswith("HS"):
        if not issuer.get("SECRET_KEY"):  # an RS-only issuer: no HS256 token is ever valid
            raise InvalidToken("HS256 tokens need a secret configured for this issuer.")
        return issuer["SECRET_KEY"]
    keys = _public_keys(settings.JWT_AUTH["JWT_PUBLIC_SIGNING_JWK_SET"])
    kid = header.get("kid")
    if kid in keys:
        return keys[kid]
    if kid is None and len(keys) == 1:
        return next(iter(keys.values()))
    raise InvalidToken("No public key matches the token.")


def decode_jwt(token: str) -> dict:
    """Verify signature, issuer, audience and expiry; return the claims.

    A verified token is remembered for `JWT_VERIFIED_CACHE_SECONDS` (the MFE sends the same token on every
    poll): a hit skips the signature check, never the expiry, which is checked against the clock every time.
    Failures are never remembered; a change of `JWT_AUTH` forgets everything.
    """
    claims = _verified.get(token, lambda: _verify(token))
    if claims["exp"] + settings.JWT_AUTH["JWT_LEEWAY_SECONDS"] < time.time():
        raise InvalidToken("Token has expired.")
    return claims


_verified: TTLCache[dict] = TTLCache("JWT_VERIFIED_CACHE_SECONDS", max_entries=4096, cache_none=False)


@receiver(setting_changed)
def _forget_verified_tokens(*, setting: str, **_kwargs) -> None:
    if setting in ("JWT_AUTH", "JWT_VERIFIED_CACHE_SECONDS"):
        _verified.clear()


def _verify(token: str) -> dict:
    try:
        unverified = jwt.decode_complete(token, options={"verify_signature": False})  # header and claims, one parse
        header = unverified["header"]
        issuer = _issuer_config(unverified["payload"].get("iss", ""))
        return jwt.decode(
            token,
            key=_verification_key(header, issuer),
            algorithms=settings.JWT_AUTH["JWT_ALGORITHMS"],
            audience=issuer["AUDIENCE"],
            issuer=issuer["ISSUER"],
            leeway=settings.JWT_AUTH["JWT_LEEWAY_SECONDS"],
            options={"require": ["exp", "iss", "aud"]},
        )
    except jwt.ExpiredSignatureError as exc:
        raise InvalidToken("Token has expired.") from exc
    except (InvalidToken, jwt.PyJWTError, ValueError, TypeError, KeyError) as exc:
        log.info("Rejected JWT: %s", exc)
        raise InvalidToken("Error decoding token.") from exc


def encode_jwt(claims: dict, issuer: dict | None = None) -> str:
    """Sign claims with an HS256 issuer secret (tests and the dev token command)."""
    issuer = issuer or settings.JWT_AUTH["JWT_ISSUERS"][0]
    payload = {"iss": issuer["ISSUER"], "aud": issuer["AUDIENCE"], **claims}
    return jwt.encode(payload, issuer["SECRET_KEY"], algorithm="HS256")
