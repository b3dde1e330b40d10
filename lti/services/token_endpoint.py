"""The OAuth 2.0 token endpoint tools call for ACS access (client_credentials, RFC 6749 §4.4), authenticated by a
JWT client assertion (RFC 7523 §2.2/§3, 1EdTech Security Framework §4.1).

Every refusal is a `TokenError` carrying an RFC 6749 §5.2 error code and the status the RFC gives it (401 for
`invalid_client`, 400 otherwise). Per RFC 7523 §3.2 a client assertion that is not valid is `invalid_client`.
Tokens are signed by the current platform key with lti_consumer's key handler and name their registration.
"""

from datetime import UTC, datetime

import jwt
from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from lti_consumer.lti_1p3.key_handlers import PlatformKeyHandler
from lti_consumer.models import LtiConfiguration

from lti.errors import LtiError
from lti.models import ToolMessageNonce
from lti.services import keys
from lti.services.access_tokens import ACS_SCOPE
from lti.services.tool_keys import tool_keys_for

JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
ASSERTION_ALGORITHMS = ["RS256", "RS384", "RS512"]
REQUIRED_PARAMETERS = ("grant_type", "client_assertion_type", "client_assertion")
REQUIRED_CLAIMS = ["iss", "sub", "aud", "exp", "iat", "jti"]
JTI_PREFIX = "client_assertion_jti:"


class TokenError(Exception):
    """An RFC 6749 §5.2 error response."""

    STATUS = {"invalid_client": 401}

    def __init__(self, error: str, description: str):
        super().__init__(description)
        self.error, self.description = error, description
        self.status_code = self.STATUS.get(error, 400)


def registration_scopes(config: LtiConfiguration) -> set[str]:
    """What a registration may be granted: the ACS scope for a proctoring tool (the only service we serve)."""
    return {ACS_SCOPE} if config.lti_1p3_proctoring_enabled else set()


def token_url(config_id) -> str:
    path = reverse("lti:access_token", kwargs={"lti_config_id": config_id})
    return settings.LTI_API_BASE + path


def _single_parameters(params: dict[str, list[str]]) -> dict[str, str]:
    repeated = sorted(name for name, values in params.items() if len(values) > 1)
    if repeated:
        raise TokenError("invalid_request", f"Parameters may not be repeated: {', '.join(repeated)}.")
    single = {name: values[0] for name, values in params.items()}
    missing = [name for name in REQUIRED_PARAMETERS if not single.get(name)]
    if missing:
        raise TokenError("invalid_request", f"Missing required parameters: {', '.join(missing)}.")
    return single


def _registration(config_id) -> LtiConfiguration:
    config = LtiConfiguration.objects.filter(
        config_id=config_id, version=LtiConfiguration.LTI_1P3, lti_1p3_proctoring_enabled=True
    ).first()
    if config is None:
        raise TokenError("invalid_client", "Unknown client: no proctoring tool is registered at this URL.")
    return config


def _verified_assertion(config: LtiConfiguration, assertion: str) -> dict:
    try:
        header = jwt.get_unverified_header(assertion)
    except jwt.PyJWTError as exc:
        raise TokenError("invalid_client", "The client assertion is not a JWT.") from exc
    if header.get("alg") not in ASSERTION_ALGORITHMS:
        raise TokenError("invalid_client", f"The client assertion must be signed with one of {ASSERTION_ALGORITHMS}.")
    try:
        candidates = tool_keys_for(config, header.get("kid"))
    except LtiError as exc:
        raise TokenError("invalid_client", exc.detail) from exc
    client_id = config.lti_1p3_client_id
    for index, key in enumerate(candidates):
        try:
            claims = jwt.decode(
                assertion,
                key=key,
                algorithms=ASSERTION_ALGORITHMS,
                audience=token_url(config.config_id),
                issuer=client_id,
                leeway=settings.LTI_JWT_LEEWAY_SECONDS,
                options={"require": REQUIRED_CLAIMS},
            )
            break
        except jwt.InvalidSignatureError as exc:
            if index == len(candidates) - 1:
                raise TokenError("invalid_client", "The client assertion's signature does not verify.") from exc
        except jwt.PyJWTError as exc:
            raise TokenError("invalid_client", f"Invalid client assertion: {exc}.") from exc
    if claims["sub"] != client_id:
        raise TokenError("invalid_client", "The client assertion's `sub` must be the client id.")
    if not isinstance(claims["jti"], str) or not claims["jti"] or len(claims["jti"]) > 200:
        raise TokenError("invalid_client", "The client assertion's `jti` must be a non-empty string.")
    if claims["exp"] - claims["iat"] > settings.LTI_CLIENT_ASSERTION_MAX_AGE_SECONDS:
        limit = settings.LTI_CLIENT_ASSERTION_MAX_AGE_SECONDS
        raise TokenError("invalid_client", f"The client assertion may be valid for at most {limit} seconds.")
    return claims


def _use_jti(config: LtiConfiguration, claims: dict) -> None:
    """Remember the `jti` until the assertion expires; a second use loses the unique constraint race."""
    expires_at = datetime.fromtimestamp(claims["exp"] + settings.LTI_JWT_LEEWAY_SECONDS, tz=UTC)
    ToolMessageNonce.objects.filter(expires_at__lt=timezone.now()).delete()
    try:
        with transaction.atomic():
            ToolMessageNonce.objects.create(
                client_id=config.lti_1p3_client_id, value=JTI_PREFIX + claims["jti"], expires_at=expires_at
            )
    except IntegrityError as exc:
        raise TokenError("invalid_client", "The client assertion was already used (jti replay).") from exc


def _granted_scopes(config: LtiConfiguration, requested: str | None) -> str:
    granted = [scope for scope in dict.fromkeys((requested or "").split()) if scope in registration_scopes(config)]
    if not granted:
        raise TokenError("invalid_scope", "None of the requested scopes is granted to this registration.")
    return " ".join(granted)


def issue_access_token(*, config_id, params: dict[str, list[str]]) -> dict:
    """The RFC 6749 §5.1 success body for a client_credentials request with a valid client assertion."""
    single = _single_parameters(params)
    if single["grant_type"] != "client_credentials":
        raise TokenError("unsupported_grant_type", "Only the client_credentials grant is supported.")
    if single["client_assertion_type"] != JWT_BEARER:
        raise TokenError("invalid_client", f"client_assertion_type must be {JWT_BEARER}.")
    config = _registration(config_id)
    claims = _verified_assertion(config, single["client_assertion"])
    scope = _granted_scopes(config, single.get("scope"))
    _use_jti(config, claims)
    current = keys.current_key()
    token_claims = {
        "iss": settings.LTI_API_BASE,
        "sub": config.lti_1p3_client_id,
        "scopes": scope,
        "registration": str(config.config_id),
    }
    handler = PlatformKeyHandler(key_pem=current.private_key_pem, kid=current.kid)
    token = handler.encode_and_sign(token_claims, expiration=settings.LTI_ACCESS_TOKEN_SECONDS)
    return {
        "access_token": token,
        "token_type": "bearer",
        "expires_in": settings.LTI_ACCESS_TOKEN_SECONDS,
        "scope": scope,
    }
