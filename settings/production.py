"""Production: everything from the environment; refuses to start on insecure defaults."""

from django.core.exceptions import ImproperlyConfigured

from settings.base import *  # noqa: F401,F403
from settings.base import MIDDLEWARE, SECRET_KEY
from settings.env import env_bool, env_int, env_str

DEBUG = False
if SECRET_KEY.startswith("insecure-"):
    raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set in production.")
if not EXAM_ACCESS_TOKENS["PRIVATE_JWK"]:  # noqa: F405
    raise ImproperlyConfigured("EXAM_ACCESS_TOKEN_PRIVATE_JWK must be set in production.")
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", True)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", True)
# The proctoring tool posts LtiStartAssessment back cross-site: the session cookie must travel with it.
SESSION_COOKIE_SAMESITE = env_str("SESSION_COOKIE_SAMESITE", "None")
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
USE_X_FORWARDED_HOST = env_bool("USE_X_FORWARDED_HOST", True)
DATABASES["default"]["CONN_MAX_AGE"] = env_int("DATABASE_CONN_MAX_AGE", 60)  # noqa: F405
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True  # noqa: F405
DEV_TOOLS_ENABLED = False
# The image serves its own /static/ (admin, Swagger UI): no shared volume with the reverse proxy needed.
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1, "whitenoise.middleware.WhiteNoiseMiddleware"
)
