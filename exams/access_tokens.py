"""Exam access tokens: short-lived RS512 JWTs the LMS checks before rendering exam content."""

import json
import time
from dataclasses import dataclass
from functools import lru_cache

import jwt
from django.conf import settings
from jwt.algorithms import RSAAlgorithm

from exams import selectors, timers
from exams import statuses as s

MAX_EXPIRY_SECONDS = 60


@dataclass(frozen=True)
class AccessDecision:
    granted: bool
    expiry_seconds: float = 0


def decide_access(*, user, exam, attempt, now) -> AccessDecision:
    """The decision matrix of contract §3.4(6), with `hide_after_due` honoured everywhere."""
    if selectors.is_course_staff(user, exam.course_id):
        return AccessDecision(True, MAX_EXPIRY_SECONDS)
    past_due = selectors.is_past_due(exam, now)
    if attempt is not None:
        if not past_due:
            remaining = timers.time_remaining_seconds(attempt, now)
            if attempt.status == s.STARTED and remaining > 0:
                return AccessDecision(True, min(MAX_EXPIRY_SECONDS, remaining))
            return AccessDecision(False)
        granted = attempt.status in (s.SUBMITTED, s.VERIFIED) and not exam.hide_after_due
        return AccessDecision(granted, MAX_EXPIRY_SECONDS if granted else 0)
    if past_due and not exam.hide_after_due:
        return AccessDecision(True, MAX_EXPIRY_SECONDS)
    return AccessDecision(False)


@lru_cache(maxsize=4)
def _signing_key(private_jwk_json: str):
    jwk = json.loads(private_jwk_json)
    return jwk.get("kid"), RSAAlgorithm.from_jwk(json.dumps(jwk))


def sign_access_token(*, lms_user_id, expiry_seconds: float, course_id: str, content_id: str) -> str:
    """Claims as token_utils' `sign_token_for` makes them, so the LMS's `unpack_token_for` accepts them."""
    config = settings.EXAM_ACCESS_TOKENS
    kid, key = _signing_key(config["PRIVATE_JWK"])
    issued = int(time.time())
    payload = {
        "lms_user_id": lms_user_id,
        "iat": issued,
        "exp": issued + int(expiry_seconds),
        "iss": config["ISSUER"],
        "version": config["VERSION"],
        "course_id": course_id,
        "content_id": content_id,
    }
    return jwt.encode(payload, key, algorithm=config["ALGORITHM"], headers={"kid": kid} if kid else None)


def public_jwk_set() -> dict:
    """The public half of the signing key, for the LMS's TOKEN_SIGNING public JWK set."""
    kid, key = _signing_key(settings.EXAM_ACCESS_TOKENS["PRIVATE_JWK"])
    public = json.loads(RSAAlgorithm.to_jwk(key.public_key()))
    public.update({"use": "sig", "alg": settings.EXAM_ACCESS_TOKENS["ALGORITHM"]})
    if kid:
        public["kid"] = kid
    return {"keys": [public]}
