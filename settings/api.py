"""The REST API's settings: trusted JWT issuers, DRF and the OpenAPI schema (imported by settings.base)."""

from settings.env import env_int, env_json, env_list, env_str

# --- Authentication (JWTs issued by the LMS) ---------------------------------------------------
DEV_JWT_SECRET_KEY = "lms-secret-for-local-development-only-32b"  # public: refused by `check --deploy`


def jwt_issuers(default_secret: str) -> list[dict]:
    """JWT_ISSUERS, or one issuer from JWT_ISSUER / JWT_AUDIENCE / JWT_SECRET_KEY (production: no default secret)."""
    single = {
        "ISSUER": env_str("JWT_ISSUER", "http://localhost:18000/oauth2"),
        "AUDIENCE": env_str("JWT_AUDIENCE", "lms-key"),
        "SECRET_KEY": env_str("JWT_SECRET_KEY", default_secret),
    }
    return env_json("JWT_ISSUERS", [single])


JWT_AUTH = {
    # One entry per trusted issuer: {"ISSUER": ..., "AUDIENCE": ..., "SECRET_KEY": ...}. SECRET_KEY is
    # used for HS256 tokens (only when set); RS256/RS512 tokens are verified with JWT_PUBLIC_SIGNING_JWK_SET.
    "JWT_ISSUERS": jwt_issuers(DEV_JWT_SECRET_KEY),
    "JWT_PUBLIC_SIGNING_JWK_SET": env_str("JWT_PUBLIC_SIGNING_JWK_SET", ""),
    "JWT_ALGORITHMS": env_list("JWT_ALGORITHMS", ["HS256", "RS256", "RS512"]),
    "JWT_LEEWAY_SECONDS": env_int("JWT_LEEWAY_SECONDS", 1),
    "JWT_AUTH_COOKIE_HEADER_PAYLOAD": "edx-jwt-cookie-header-payload",
    "JWT_AUTH_COOKIE_SIGNATURE": "edx-jwt-cookie-signature",
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["exams.auth.authentication.JwtAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "exams.rest.negotiation.JsonFirstContentNegotiation",  # DRF's, fast for JSON
    # JSON only (the MFE, Studio and the dashboard send nothing else), read by exams_service.security.inputs.
    "DEFAULT_PARSER_CLASSES": ["exams_service.security.rest.BoundedJSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "exams.rest.errors.exception_handler",
    "DEFAULT_PAGINATION_CLASS": "exams.rest.pagination.BoundedLimitOffsetPagination",
    "PAGE_SIZE": 100,
    "DATETIME_FORMAT": "%Y-%m-%dT%H:%M:%S.%fZ",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}

SPECTACULAR_SETTINGS = {
    # Swagger UI and ReDoc from drf-spectacular-sidecar's static files: no CDN, works offline
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "TITLE": "Exams service API",
    "DESCRIPTION": "Drop-in compatible with the public REST contract of edx-exams.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "AUTHENTICATION_WHITELIST": ["exams.auth.authentication.JwtAuthentication"],
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "exams_service.schema.declare_error_responses",  # 4xx/503 `{"detail"}` on every operation
        "exams_service.schema.declare_course_keys",  # course_id: the course key form the views accept
    ],
}
