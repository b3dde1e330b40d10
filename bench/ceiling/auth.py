"""HS256 JWT checked with PyJWT (`exp`, `iss`, `aud`), then the user found by username in one indexed query."""

import jwt
from django.conf import settings
from django.db import connection
from rest_framework.authentication import BaseAuthentication
from rest_framework.exceptions import AuthenticationFailed, NotAuthenticated


class LearnerId(int):
    """The authenticated learner: just the primary key found for the token's username."""

    is_authenticated = True


class HS256JwtAuthentication(BaseAuthentication):
    def authenticate(self, request):
        scheme, _, token = request.META.get("HTTP_AUTHORIZATION", "").partition(" ")
        if scheme != "JWT" or not token:
            raise NotAuthenticated()
        try:
            claims = jwt.decode(
                token,
                settings.JWT_SECRET_KEY,
                algorithms=["HS256"],
                audience=settings.JWT_AUDIENCE,
                issuer=settings.JWT_ISSUER,
                options={"require": ["exp", "iss", "aud"]},
            )
        except jwt.InvalidTokenError as error:
            raise AuthenticationFailed(str(error)) from error
        with connection.cursor() as cursor:
            cursor.execute("SELECT id FROM exams_user WHERE username = %s", [claims.get("preferred_username")])
            row = cursor.fetchone()
        if row is None:
            raise AuthenticationFailed("unknown user")
        return LearnerId(row[0]), token

    def authenticate_header(self, request):
        return 'JWT realm="api"'
