"""OpenAPI description of the LMS JWT authentication (registered with drf-spectacular on import)."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class JwtAuthenticationScheme(OpenApiAuthenticationExtension):
    target_class = "exams.auth.authentication.JwtAuthentication"
    name = "LmsJwt"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "An LMS-issued JWT: `Authorization: JWT <token>` (the split JWT cookie also works).",
        }
