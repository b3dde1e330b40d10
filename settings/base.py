"""Settings shared by every environment. Operator-facing values come from env vars (see README)."""

from pathlib import Path

import dj_database_url

from settings.env import env_bool, env_float, env_int, env_json, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

SECRET_KEY = env_str("DJANGO_SECRET_KEY", "insecure-dev-only-secret-key-change-me")
DEBUG = env_bool("DJANGO_DEBUG", False)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["localhost", "127.0.0.1"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "corsheaders",
    "rest_framework",
    "drf_spectacular",
    "simple_history",
    "exams",
    "xqueue",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "exams_service.urls"
WSGI_APPLICATION = "exams_service.wsgi.application"
AUTH_USER_MODEL = "exams.User"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]


def database_from_url(url: str) -> dict:
    """Parse DATABASE_URL; MySQL/MariaDB go through PyMySQL (a wheel, no system headers)."""
    config = dj_database_url.parse(url, conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0))
    if config["ENGINE"] == "django.db.backends.mysql":
        import pymysql

        pymysql.install_as_MySQLdb()
        config.setdefault("OPTIONS", {}).update({"charset": "utf8mb4", "isolation_level": "read committed"})
    return config


DATABASES = {"default": database_from_url(env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'exams.sqlite3'}"))}

REDIS_URL = env_str("REDIS_URL", "")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"

# --- Open edX platform URLs -------------------------------------------------------------------
LMS_ROOT_URL = env_str("LMS_ROOT_URL", "")
LEARNING_MICROFRONTEND_URL = env_str("LEARNING_MICROFRONTEND_URL", "http://localhost:2000")
EXAMS_SERVICE_URL = env_str("EXAMS_SERVICE_URL", "http://127.0.0.1:8000")

# --- Authentication (JWTs issued by the LMS) ---------------------------------------------------
JWT_AUTH = {
    # One entry per trusted issuer: {"ISSUER": ..., "AUDIENCE": ..., "SECRET_KEY": ...}. SECRET_KEY is
    # used for HS256 tokens; RS256/RS512 tokens are verified with JWT_PUBLIC_SIGNING_JWK_SET.
    "JWT_ISSUERS": env_json(
        "JWT_ISSUERS",
        [
            {
                "ISSUER": env_str("JWT_ISSUER", "http://localhost:18000/oauth2"),
                "AUDIENCE": env_str("JWT_AUDIENCE", "lms-key"),
                "SECRET_KEY": env_str("JWT_SECRET_KEY", "lms-secret-for-local-development-only-32b"),
            }
        ],
    ),
    "JWT_PUBLIC_SIGNING_JWK_SET": env_str("JWT_PUBLIC_SIGNING_JWK_SET", ""),
    "JWT_ALGORITHMS": ["HS256", "RS256", "RS512"],
    "JWT_LEEWAY_SECONDS": env_int("JWT_LEEWAY_SECONDS", 1),
    "JWT_AUTH_COOKIE_HEADER_PAYLOAD": "edx-jwt-cookie-header-payload",
    "JWT_AUTH_COOKIE_SIGNATURE": "edx-jwt-cookie-signature",
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["exams.auth.authentication.JwtAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        "rest_framework.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "exams.rest.errors.exception_handler",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.LimitOffsetPagination",
    "PAGE_SIZE": 100,
    "DATETIME_FORMAT": "%Y-%m-%dT%H:%M:%S.%fZ",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Exams service API",
    "DESCRIPTION": "Drop-in compatible with the public REST contract of edx-exams.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "AUTHENTICATION_WHITELIST": ["exams.auth.authentication.JwtAuthentication"],
}

# --- Browser clients (learning MFE, exams dashboard, authoring MFE) ----------------------------
CORS_ALLOWED_ORIGINS = env_list("CORS_ALLOWED_ORIGINS", [])
CORS_ALLOW_CREDENTIALS = True
CORS_ALLOW_HEADERS = (
    "accept",
    "authorization",
    "content-type",
    "origin",
    "user-agent",
    "x-csrftoken",
    "x-requested-with",
    "use-jwt-cookie",
)
CSRF_COOKIE_NAME = env_str("CSRF_COOKIE_NAME", "exams_csrftoken")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", False)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", False)

# --- Celery --------------------------------------------------------------------------------------
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", REDIS_URL or "memory://")
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_TIMEOUT = 5
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_timeout": 5, "socket_connect_timeout": 5}

# --- Email ----------------------------------------------------------------------------------------
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "no-reply@exams.localhost")

# --- Logging --------------------------------------------------------------------------------------
LOG_LEVEL = env_str("LOG_LEVEL", "INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}

# --- XQueue-compatible grader API (docs/xqueue.md) -------------------------------------------------
MEDIA_ROOT = env_str("MEDIA_ROOT", str(BASE_DIR / "media"))
XQUEUE_DEFAULT_VISIBILITY_TIMEOUT = env_int("XQUEUE_DEFAULT_VISIBILITY_TIMEOUT", 300)  # seconds, per new queue
XQUEUE_DEFAULT_MAX_ATTEMPTS = env_int("XQUEUE_DEFAULT_MAX_ATTEMPTS", 5)  # hand-outs, per new queue
XQUEUE_STORAGE_ALIAS = env_str("XQUEUE_STORAGE_ALIAS", "default")  # key of STORAGES for uploaded files
XQUEUE_PUBLIC_URL = env_str("XQUEUE_PUBLIC_URL", "")  # base of file URLs; "" = the host graders called
XQUEUE_FILE_URL_MAX_AGE = env_int("XQUEUE_FILE_URL_MAX_AGE", 7 * 24 * 3600)  # seconds a file URL stays valid
XQUEUE_MAX_FILE_SIZE = env_int("XQUEUE_MAX_FILE_SIZE", 4 * 1024 * 1024)  # bytes per uploaded file
XQUEUE_LMS_TIMEOUT = env_float("XQUEUE_LMS_TIMEOUT", 5.0)  # seconds per callback POST
XQUEUE_LMS_BASIC_AUTH = env_list("XQUEUE_LMS_BASIC_AUTH", [])  # "user,password" for the LMS callback
XQUEUE_DELIVERY_BACKOFF_BASE = env_float("XQUEUE_DELIVERY_BACKOFF_BASE", 5.0)  # first retry delay, doubles
XQUEUE_DELIVERY_BACKOFF_MAX = env_float("XQUEUE_DELIVERY_BACKOFF_MAX", 600.0)  # cap of the retry delay
XQUEUE_DELIVERY_MAX_AGE = env_int("XQUEUE_DELIVERY_MAX_AGE", 3 * 24 * 3600)  # give up after (seconds)
XQUEUE_SWEEP_INTERVAL = env_float("XQUEUE_SWEEP_INTERVAL", 30.0)  # beat: fail expired, redeliver due
XQUEUE_QUEUE_CACHE_SECONDS = env_float("XQUEUE_QUEUE_CACHE_SECONDS", 5.0)  # per-process cache of queue settings
XQUEUE_CSRF_COOKIE_NAME = env_str("XQUEUE_CSRF_COOKIE_NAME", "csrftoken")  # the cookie xqueue-watcher reads
SESSION_ENGINE = env_str("SESSION_ENGINE", "django.contrib.sessions.backends.db")  # cached_db with Redis: faster
CELERY_BEAT_SCHEDULE = {
    **globals().get("CELERY_BEAT_SCHEDULE", {}),
    "xqueue-sweep": {"task": "xqueue.tasks.sweep", "schedule": XQUEUE_SWEEP_INTERVAL},
}
