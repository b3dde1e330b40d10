"""DRF authentication for LMS JWTs: `Authorization: JWT|Bearer <token>` or the split JWT cookie."""

from django.conf import settings
from django.middleware.csrf import CsrfViewMiddleware
from rest_framework import HTTP_HEADER_ENCODING, exceptions
from rest_framework.authentication import BaseAuthentication

from exams.auth import schema  # noqa: F401 - registers the OpenAPI security scheme
from exams.auth.tokens import InvalidToken, decode_jwt
from exams.exceptions import IdentityClaimsInvalid, IdentityRefused
from exams.services.users import get_or_create_user_from_claims

HEADER_PREFIXES = (b"jwt", b"bearer")


def authorization_header(request) -> bytes:
    """DRF's `get_authorization_header`, read from META: building `request.headers` costs more than the check."""
    header = request.META.get("HTTP_AUTHORIZATION", b"")
    return header.encode(HTTP_HEADER_ENCODING) if isinstance(header, str) else header


def cookie_token(request) -> str | None:
    """Reassemble `edx-jwt-cookie-header-payload` + `edx-jwt-cookie-signature` into one JWT."""
    header_payload = request.COOKIES.get(settings.JWT_AUTH["JWT_AUTH_COOKIE_HEADER_PAYLOAD"])
    signature = request.COOKIES.get(settings.JWT_AUTH["JWT_AUTH_COOKIE_SIGNATURE"])
    if header_payload and signature:
        return f"{header_payload}.{signature}"
    return None


class _CsrfCheck(CsrfViewMiddleware):
    def _reject(self, request, reason):
        return reason


class JwtAuthentication(BaseAuthentication):
    """Authenticates like edx-drf-extensions: header tokens must be valid, cookie tokens are forgiven."""

    www_authenticate_realm = "api"

    def authenticate(self, request):
        parts = authorization_header(request).split()
        if parts and parts[0].lower() in HEADER_PREFIXES:
            if len(parts) != 2:
                raise exceptions.AuthenticationFailed("Invalid Authorization header.")
            return self._authenticate_token(parts[1].decode("latin-1"))
        token = cookie_token(request)
        if token is None:
            return None
        try:
            user_auth = self._authenticate_token(token)
        except exceptions.AuthenticationFailed:
            return None  # an invalid cookie is forgiven: the request is anonymous
        self._enforce_csrf(request)
        return user_auth

    def _authenticate_token(self, token: str):
        try:
            claims = decode_jwt(token)
        except InvalidToken as exc:
            raise exceptions.AuthenticationFailed(str(exc)) from exc
        try:
            user = get_or_create_user_from_claims(claims=claims)
        except IdentityClaimsInvalid as exc:
            raise exceptions.AuthenticationFailed(exc.detail) from exc
        except IdentityRefused as exc:
            raise exceptions.PermissionDenied(exc.detail) from exc
        if not user.is_active:
            raise exceptions.AuthenticationFailed("User inactive or deleted.")
        return user, claims

    def _enforce_csrf(self, request):
        check = _CsrfCheck(lambda req: None)
        check.process_request(request)
        reason = check.process_view(request, None, (), {})
        if reason:
            raise exceptions.PermissionDenied(f"CSRF Failed: {reason}")

    def authenticate_header(self, request):
        return f'JWT realm="{self.www_authenticate_realm}"'
