"""Verifying the OAuth2 access tokens our token endpoint issues to tools (lti/services/token_endpoint.py).

Tokens are `{"sub": client_id, "iss": LTI_API_BASE, "scopes": "<space list>", "registration": <config uuid>,
"iat", "exp"}` (no `aud`), signed by the current platform key; ACS accepts one only at its own registration.
We check them against every published platform key, so a token issued before `rotate_lti_keys` stays valid
until it expires.
"""

import jwt
from django.conf import settings
from lti_consumer.models import LtiConfiguration

from lti.errors import LtiError
from lti.services import keys

ACS_SCOPE = "https://purl.imsglobal.org/spec/lti-ap/scope/control.all"
REQUIRED_CLAIMS = ["exp", "iat", "iss", "sub", "scopes"]


class AccessTokenError(LtiError):
    """401 (no or invalid token) or 403 (valid token, not for this registration or scope); carries the
    `WWW-Authenticate` value to answer with (RFC 6750)."""

    def __init__(self, detail: str, status_code: int, error: str):
        super().__init__(detail, status_code)
        description = detail.replace('"', "'")
        self.www_authenticate = f'Bearer error="{error}", error_description="{description}"' if error else "Bearer"


def _unauthorized(detail: str, error: str = "invalid_token") -> AccessTokenError:
    return AccessTokenError(detail, 401, error)


def bearer_token(authorization: str) -> str:
    parts = (authorization or "").split()
    if not parts or parts[0].lower() != "bearer":
        raise _unauthorized("Missing bearer access token.", error="")
    if len(parts) != 2:
        raise _unauthorized("Malformed Authorization header: expected 'Bearer <token>'.", error="invalid_request")
    return parts[1]


def decode_access_token(token: str) -> dict:
    """The claims of a platform-issued access token: signature by a published key, exp, iat, iss, no `aud`."""
    try:
        kid = jwt.get_unverified_header(token).get("kid")
    except jwt.PyJWTError as exc:
        raise _unauthorized("The access token is not a JWT.") from exc
    key = next((k for k in keys.published_keys() if k.kid == kid), None)
    if key is None:
        raise _unauthorized("The access token is not signed by a current platform key.")
    try:
        claims = jwt.decode(
            token,
            key=jwt.PyJWK(keys.public_jwk(key)).key,
            algorithms=[keys.SIGNING_ALGORITHM],
            issuer=settings.LTI_API_BASE,
            leeway=settings.LTI_JWT_LEEWAY_SECONDS,
            options={"require": REQUIRED_CLAIMS},  # a token with `aud` (e.g. an id_token) fails: none is expected
        )
    except jwt.ExpiredSignatureError as exc:
        raise _unauthorized("The access token has expired.") from exc
    except jwt.PyJWTError as exc:
        raise _unauthorized(f"Invalid access token: {exc}.") from exc
    if not isinstance(claims["scopes"], str) or not isinstance(claims["sub"], str):
        raise _unauthorized("Invalid access token: `scopes` and `sub` must be strings.")
    return claims


def authorize_tool(*, authorization: str, lti_config_id: int, scope: str) -> LtiConfiguration:
    """The registration `lti_config_id` (PK) when the bearer token was issued to it with `scope`."""
    claims = decode_access_token(bearer_token(authorization))
    config = LtiConfiguration.objects.filter(
        pk=lti_config_id, version=LtiConfiguration.LTI_1P3, lti_1p3_proctoring_enabled=True
    ).first()
    if (
        config is None
        or claims["sub"] != config.lti_1p3_client_id
        or claims.get("registration") != str(config.config_id)
    ):
        raise AccessTokenError("The access token was not issued to this tool registration.", 403, "invalid_token")
    if scope not in claims["scopes"].split():
        raise AccessTokenError(f"The access token lacks the scope {scope}.", 403, "insufficient_scope")
    return config
