"""Settings of the ceiling project: no middleware, DRF with the JSON renderer and parser only, quiet logs."""

import os

import dj_database_url

SECRET_KEY = "ceiling-benchmark-only"
DEBUG = False
ALLOWED_HOSTS = ["*"]
ROOT_URLCONF = "bench.ceiling.urls"
WSGI_APPLICATION = "bench.ceiling.wsgi.application"
INSTALLED_APPS = ["rest_framework"]
MIDDLEWARE: list[str] = []
USE_TZ = True
DATABASES = {"default": dj_database_url.parse(os.environ["DATABASE_URL"], conn_max_age=600)}
if os.environ.get("CEILING_PREPARED_STATEMENTS") == "1":
    # The second stick: the same project with every statement bound server-side and prepared at first use, as the
    # service prepares its hot statements (exams_service/prepared_sql.py).
    DATABASES["default"].setdefault("OPTIONS", {}).update(server_side_binding=True, prepare_threshold=0)
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["bench.ceiling.auth.HS256JwtAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": [],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "UNAUTHENTICATED_USER": None,
    "UNAUTHENTICATED_TOKEN": None,
}
# The same issuer the service trusts (its development defaults, which the benchmark signs with).
JWT_ISSUER = os.environ.get("CEILING_JWT_ISSUER", "http://localhost:18000/oauth2")
JWT_AUDIENCE = os.environ.get("CEILING_JWT_AUDIENCE", "lms-key")
JWT_SECRET_KEY = os.environ.get("CEILING_JWT_SECRET_KEY", "lms-secret-for-local-development-only-32b")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
