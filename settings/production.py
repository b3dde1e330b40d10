"""Production: everything from the environment; refuses to start on insecure defaults."""

from django.core.exceptions import ImproperlyConfigured

from settings.base import *  # noqa: F401,F403
from settings.base import DEFAULT_DATABASE_URL, MIDDLEWARE, SECRET_KEY, jwt_issuers
from settings.database import database_from_url
from settings.env import env_bool, env_list, env_str

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
# Persistent connections by default (60 s) unless DATABASE_POOL: settings/database.py decides, never here.
DATABASES = {"default": database_from_url(env_str("DATABASE_URL", DEFAULT_DATABASE_URL), default_conn_max_age=60)}
DEV_TOOLS_ENABLED = False
# The image serves its own /static/ (admin, Swagger UI): no shared volume with the reverse proxy needed.
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1, "whitenoise.middleware.WhiteNoiseMiddleware"
)

# --- Security: no development defaults; unsafe configuration refused (exams_service/security/deploy_checks.py) --
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", [])
JWT_AUTH = {**JWT_AUTH, "JWT_ISSUERS": jwt_issuers(default_secret="")}  # noqa: F405 - HS256 only with a secret
REFUSE_UNSAFE_CONFIGURATION = True  # wsgi/asgi/run_asgi run the deploy checks and refuse to start on an error
