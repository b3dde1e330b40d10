"""LtiStartAssessment: the tool says the learner may start. Verified here, stricter than lti_consumer:

signature by the registered tool key (kid), `aud` = our issuer, `iss` = client_id, `exp`/`iat` bounded,
`deployment_id`, single use (`nonce` and `jti`), the attempt's `session_data`, and the browser session's user.
Every JWT problem is a 4xx `LtiError`.
"""

import hmac
from datetime import UTC, datetime

import jwt
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from lti_consumer.models import LtiConfiguration

from exams.api import Action, Actor, ExamAttempt, ExamsError, apply_action, statuses
from lti.errors import LtiError
from lti.models import ProctoringSession, ToolMessageNonce
from lti.services.launches import exam_url
from lti.services.registration import DEPLOYMENT_ID
from lti.services.tool_keys import tool_key_for

LTI = "https://purl.imsglobal.org/spec/lti/claim/"
LTI_AP = "https://purl.imsglobal.org/spec/lti-ap/claim/"
ALGORITHMS = ["RS256", "RS384", "RS512"]


def _claims(token: str) -> dict:
    if not token:
        raise LtiError("The JWT parameter is missing.")
    try:
        unverified = jwt.decode(token, options={"verify_signature": False})
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError as exc:
        raise LtiError(f"The JWT cannot be decoded: {exc}") from exc
    config = LtiConfiguration.objects.filter(
        lti_1p3_client_id=str(unverified.get("iss") or ""),
        version=LtiConfiguration.LTI_1P3,
        lti_1p3_proctoring_enabled=True,
    ).first()
    if config is None:
        raise LtiError("The JWT iss is not the client_id of a registered proctoring tool.")
    key = tool_key_for(config, header.get("kid"))
    try:
        claims = jwt.decode(
            token,
            key,
            algorithms=ALGORITHMS,
            audience=settings.LTI_API_BASE,
            issuer=config.lti_1p3_client_id,
            leeway=settings.LTI_JWT_LEEWAY_SECONDS,
            options={"require": ["iss", "aud", "exp", "iat", "nonce"]},
        )
    except jwt.PyJWTError as exc:
        raise LtiError(f"The JWT is not valid: {exc}") from exc
    if claims["exp"] - claims["iat"] > settings.LTI_TOOL_JWT_MAX_AGE_SECONDS:
        raise LtiError("The JWT lives longer than this platform accepts.")
    claims["_config"] = config
    return claims


def _check_message(claims: dict) -> tuple[str, int]:
    expected = {
        LTI + "message_type": "LtiStartAssessment",
        LTI + "version": "1.3.0",
        LTI + "deployment_id": DEPLOYMENT_ID,
    }
    for name, value in expected.items():
        if claims.get(name) != value:
            raise LtiError(f"The {name} claim must be {value!r}.")
    resource_link = claims.get(LTI + "resource_link")
    attempt_number = claims.get(LTI_AP + "attempt_number")
    if not isinstance(resource_link, dict) or not resource_link.get("id"):
        raise LtiError("The resource_link claim with an id is required.")
    if not isinstance(attempt_number, int) or isinstance(attempt_number, bool):
        raise LtiError("The attempt_number claim must be an integer.")
    if not isinstance(claims.get(LTI_AP + "session_data"), str):
        raise LtiError("The session_data claim is required.")
    return str(resource_link["id"]), attempt_number


def _find_session(claims: dict, user, resource_link_id: str, attempt_number: int) -> ProctoringSession:
    attempt = ExamAttempt.objects.filter(
        user_id=user.pk, exam__resource_id=resource_link_id, attempt_number=attempt_number, reset_at__isnull=True
    ).first()
    session = ProctoringSession.objects.filter(attempt=attempt).first() if attempt else None
    if session is None or session.lti_configuration_id != claims["_config"].pk:
        raise LtiError("No proctoring launch of this user matches resource_link and attempt_number.")
    if not hmac.compare_digest(session.session_data, claims[LTI_AP + "session_data"]):
        raise LtiError("The session_data claim is not the one this platform sent.")
    return session


def _remember_nonces(claims: dict) -> None:
    client_id = claims["_config"].lti_1p3_client_id
    expires_at = datetime.fromtimestamp(claims["exp"] + settings.LTI_JWT_LEEWAY_SECONDS, tz=UTC)
    ToolMessageNonce.objects.filter(expires_at__lt=timezone.now()).delete()
    values = [f"nonce:{claims['nonce']}"] + ([f"jti:{claims['jti']}"] if claims.get("jti") else [])
    try:
        with transaction.atomic():
            for value in values:
                ToolMessageNonce.objects.create(client_id=client_id, value=value[:255], expires_at=expires_at)
    except IntegrityError as exc:
        raise LtiError("This LtiStartAssessment message was already used (nonce/jti replay).") from exc


def start_assessment(*, token: str, user) -> str:
    """Verify the message, mark the attempt `ready_to_start`; returns the exam page to send the learner to."""
    claims = _claims(token)
    resource_link_id, attempt_number = _check_message(claims)
    if not (user and user.is_authenticated):
        raise LtiError("No platform session: the browser must carry the exams service session cookie.", 403)
    session = _find_session(claims, user, resource_link_id, attempt_number)
    with transaction.atomic():
        _remember_nonces(claims)
        try:
            attempt = apply_action(
                attempt_id=session.attempt_id, action=Action.ASSESSMENT_STARTED, actor=Actor.TOOL, requesting_user=user
            )
        except ExamsError as exc:
            current = ExamAttempt.objects.get(pk=session.attempt_id)
            if current.status not in statuses.IN_PROGRESS:  # a relaunch during the exam changes nothing
                raise LtiError(exc.detail, 409) from exc
            attempt = current
        ProctoringSession.objects.filter(pk=session.pk).update(
            end_assessment_return=bool(claims.get(LTI_AP + "end_assessment_return")),
            verified_user=claims.get(LTI_AP + "verified_user") or {},
            assessment_started_at=timezone.now(),
        )
    return exam_url(attempt.exam)
