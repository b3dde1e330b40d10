"""Settings shared by every environment. Operator-facing values come from env vars (see README)."""

from pathlib import Path

from django.conf import global_settings

from settings.database import database_from_url
from settings.env import env_bool, env_float, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

SECRET_KEY = env_str("DJANGO_SECRET_KEY", "insecure-dev-only-secret-key-change-me")
DEBUG = env_bool("DJANGO_DEBUG", False)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["localhost", "127.0.0.1"])

INSTALLED_APPS = [
    "exams.auth.admin_site.LocalAccountsAdminConfig",  # django.contrib.admin, for local staff accounts only
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "corsheaders",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI / ReDoc assets served by the project itself
    "simple_history",
    "exams",
    "xqueue",
]

# exams_service.middleware: stock behaviour, minus the work a cookie-less token request cannot use
# (docs/architecture.md#requests-in). Security, CSRF and X-Frame-Options stay stock: `check --deploy` names them.
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "exams_service.middleware.OriginAwareCorsMiddleware",
    "exams_service.middleware.LazySessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "exams_service.middleware.LazyMessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "exams_service.middleware.history_request_middleware",
]

# One backend per kind of identity (docs/security.md): password logins load local accounts only, LTI launch
# sessions LMS identities only; xqueue logins name the third (local accounts through a short per-process cache).
AUTHENTICATION_BACKENDS = [
    "exams.auth.backends.LocalAccountBackend",
    "exams.auth.backends.LmsSessionBackend",
    "xqueue.auth.CachedSessionUserBackend",
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


# How connections are held (persistent or a psycopg pool) is decided in settings/database.py only.
DEFAULT_DATABASE_URL = f"sqlite:///{BASE_DIR / 'exams.sqlite3'}"
DATABASES = {"default": database_from_url(env_str("DATABASE_URL", DEFAULT_DATABASE_URL))}
# Persistent connections are health-checked when idle this long, not before every request (exams_service/db_health.py)
DATABASE_HEALTH_CHECK_INTERVAL_SECONDS = env_float("DATABASE_HEALTH_CHECK_INTERVAL_SECONDS", 1.0)

REDIS_URL = env_str("REDIS_URL", "")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "exams_service.redis_cache.ReusingRedisCache", "LOCATION": REDIS_URL}}
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

# Largest `?limit=` a paginated list honours (larger values are clamped).
API_MAX_PAGE_LIMIT = env_int("API_MAX_PAGE_LIMIT", 1000)

# --- Protocol surfaces (docs/security.md#protocol-surfaces) ----------------------------------------
# Outgoing URLs a client gave us (XQueue callbacks, tool JWKS URLs) may resolve to loopback/private addresses
# only when this is on: development and tests, never production.
OUTGOING_URLS_ALLOW_PRIVATE_ADDRESSES = env_bool("OUTGOING_URLS_ALLOW_PRIVATE_ADDRESSES", False)
# Hosts XQueue results may be posted to; empty = the host of LMS_ROOT_URL.
XQUEUE_CALLBACK_ALLOWED_HOSTS = env_list("XQUEUE_CALLBACK_ALLOWED_HOSTS", [])
# Origins (besides this service, the learning MFE and the LMS) whose pages may open start proctoring / end
# assessment links.
CROSS_SITE_TRUSTED_ORIGINS = env_list("CROSS_SITE_TRUSTED_ORIGINS", [])
# Longest accepted `exp - iat` of a tool's client assertion at the LTI token endpoint.
LTI_CLIENT_ASSERTION_MAX_AGE_SECONDS = env_int("LTI_CLIENT_ASSERTION_MAX_AGE_SECONDS", 300)
# Lifetime of the access tokens the LTI token endpoint issues.
LTI_ACCESS_TOKEN_SECONDS = env_int("LTI_ACCESS_TOKEN_SECONDS", 3600)

# --- Authentication (JWTs issued by the LMS), DRF and the OpenAPI schema: settings/api.py --------------
from settings.api import *  # noqa: E402,F401,F403
from settings.api import SPECTACULAR_SETTINGS, jwt_issuers  # noqa: E402,F401 - production uses jwt_issuers

# --- Security: client addresses and password logins (exams_service/security/, docs/security.md) ---------------
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES", [])  # addresses/networks whose X-Forwarded-For/X-Real-IP count
LOGIN_THROTTLE_ACCOUNT_FAILURES = env_int("LOGIN_THROTTLE_ACCOUNT_FAILURES", 5)  # per account, then 429
LOGIN_THROTTLE_ADDRESS_FAILURES = env_int("LOGIN_THROTTLE_ADDRESS_FAILURES", 20)  # per client address, then 429
LOGIN_THROTTLE_WINDOW_SECONDS = env_int("LOGIN_THROTTLE_WINDOW_SECONDS", 900)  # counted from the first failure
# Human passwords: Django's default (first) hasher. Generated service-account secrets: a keyed fast hash, never first
# (exams_service/security/service_secrets.py); its key, when unset, is derived from SECRET_KEY.
PASSWORD_HASHERS = [*global_settings.PASSWORD_HASHERS, "exams_service.security.service_secrets.ServiceSecretHasher"]
SERVICE_SECRET_HASH_KEY = env_str("SERVICE_SECRET_HASH_KEY", "")

# --- Exam access tokens (RS512 JWTs checked by the LMS, contract §3.4(6)) ------------------------
EXAM_ACCESS_TOKENS = {
    "PRIVATE_JWK": env_str("EXAM_ACCESS_TOKEN_PRIVATE_JWK", ""),
    "ALGORITHM": "RS512",
    "ISSUER": env_str("EXAM_ACCESS_TOKEN_ISSUER", "edx-exams"),
    "VERSION": "1.2.0",
}

EXAM_ACCESS_TOKEN_DEV_KEY_PATH = BASE_DIR / ".local" / "access_token_jwk.json"  # settings.local's generated key

# Seconds a web process keeps an active exam it looked up by content id (the MFE's polls); 0 disables.
EXAM_CACHE_SECONDS = env_float("EXAM_CACHE_SECONDS", 5.0)
# A web process reuses a JWT's verified claims this long (its expiry is still checked on every request).
JWT_VERIFIED_CACHE_SECONDS = env_float("JWT_VERIFIED_CACHE_SECONDS", 60.0)

# --- Attempt timers -------------------------------------------------------------------------------
ATTEMPT_SWEEP_INTERVAL_SECONDS = env_int("ATTEMPT_SWEEP_INTERVAL_SECONDS", 15)

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
# corsheaders' default, set so that reading it per request is a plain lookup (a missing setting raises inside).
CORS_URLS_REGEX = r"^.*$"
CSRF_COOKIE_NAME = env_str("CSRF_COOKIE_NAME", "exams_csrftoken")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", False)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", False)

# --- Celery --------------------------------------------------------------------------------------
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", REDIS_URL or "memory://localhost/")  # a host: kombu warns without
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_TIMEOUT = 5
# A broker outage of any length: the worker keeps reconnecting (Celery's default gives up after 100 tries and
# exits) and re-consumes; work that must happen is in the database and swept by beat (docs/faults.md).
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
# Tasks are short: nothing is held near the visibility timeout (no ETAs), so a redelivery means a lost worker.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_timeout": 5,
    "socket_connect_timeout": 5,
    "visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT_SECONDS", 3600),
}
CELERY_BEAT_SCHEDULE = {
    "sweep-expired-attempts": {
        "task": "exams.tasks.sweep_expired_attempts",
        "schedule": float(ATTEMPT_SWEEP_INTERVAL_SECONDS),
    },
}

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
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # Django's own console handler would print every `django.*` line (e.g. each request) a second time
        "django": {"handlers": [], "level": "INFO", "propagate": True},
    },
}
# edx-django-utils (via lti-consumer) defaults to New Relic and warns at start when it is absent; opt in by name.
OPENEDX_TELEMETRY = env_list("OPENEDX_TELEMETRY", [])

# --- Exam events (events app): outbox → Open edX signals / event bus, role consumers, emails -------
# Embedded default: no EVENT_BUS_PRODUCER → events are in-process Open edX signals only, no broker.
# Redis Streams: EVENT_BUS_PRODUCER=edx_event_bus_redis.create_producer, EVENT_BUS_CONSUMER=
# edx_event_bus_redis.RedisEventConsumer, EVENT_BUS_REDIS_CONNECTION_URL=redis://host:6379/0 (docs/events.md).
INSTALLED_APPS += ["openedx_events", "edx_event_bus_redis", "events"]
EVENTS_SERVICE_NAME = env_str("EVENTS_SERVICE_NAME", "edx-exams")
EVENT_BUS_PRODUCER = env_str("EVENT_BUS_PRODUCER", "") or None
EVENT_BUS_CONSUMER = env_str("EVENT_BUS_CONSUMER", "") or None
EVENT_BUS_TOPIC_PREFIX = env_str("EVENT_BUS_TOPIC_PREFIX", "") or None
EVENT_BUS_REDIS_CONSUMER_POLL_TIMEOUT = env_int("EVENT_BUS_REDIS_CONSUMER_POLL_TIMEOUT", 60)
EVENT_BUS_REDIS_STREAM_MAX_LEN = env_int("EVENT_BUS_REDIS_STREAM_MAX_LEN", 10_000)


def _redis_url_with_timeouts(url: str, read_timeout: int) -> str:
    """redis-py 8 defaults socket_timeout=5 while the consumer blocks POLL_TIMEOUT s: give it room (spec §2.8)."""
    from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query))
    query.setdefault("socket_timeout", str(read_timeout))
    query.setdefault("socket_connect_timeout", "5")
    return urlunsplit(parts._replace(query=urlencode(query)))


EVENT_BUS_REDIS_CONNECTION_URL = env_str("EVENT_BUS_REDIS_CONNECTION_URL", "") or None
if EVENT_BUS_REDIS_CONNECTION_URL:
    EVENT_BUS_REDIS_CONNECTION_URL = _redis_url_with_timeouts(
        EVENT_BUS_REDIS_CONNECTION_URL, EVENT_BUS_REDIS_CONSUMER_POLL_TIMEOUT + 15
    )
EXAM_ATTEMPT_EVENTS_TOPIC = env_str("EXAM_ATTEMPT_EVENTS_TOPIC", "learning-exam-attempt-lifecycle")
EVENT_BUS_PRODUCER_CONFIG = {
    f"org.openedx.learning.exam.attempt.{name}.v1": {
        EXAM_ATTEMPT_EVENTS_TOPIC: {"event_key_field": "exam_attempt.course_key", "enabled": True}
    }
    for name in ("submitted", "verified", "rejected", "errored", "reset")
}
EVENTS_OUTBOX_SWEEP_SECONDS = env_int("EVENTS_OUTBOX_SWEEP_SECONDS", 15)
EVENTS_OUTBOX_RETRY_BASE_SECONDS = env_int("EVENTS_OUTBOX_RETRY_BASE_SECONDS", 5)
EVENTS_OUTBOX_RETRY_MAX_SECONDS = env_int("EVENTS_OUTBOX_RETRY_MAX_SECONDS", 300)
# How long a publisher holds a row; a publisher killed mid-publish leaves it to the sweep after this.
# Longer than the slowest publish (bus connect + write timeouts), or a live publisher and the sweep overlap.
EVENTS_OUTBOX_CLAIM_SECONDS = env_int("EVENTS_OUTBOX_CLAIM_SECONDS", 120)
CELERY_BEAT_SCHEDULE["publish-pending-exam-events"] = {
    "task": "events.tasks.publish_due_events",
    "schedule": float(EVENTS_OUTBOX_SWEEP_SECONDS),
}

# --- Legacy router: forwarding of edx-proctoring courses to the LMS (docs/legacy_router.md) ------

INSTALLED_APPS += ["legacy_router"]
MIDDLEWARE += ["legacy_router.middleware.LegacyRouterMiddleware"]  # keep LAST: it routes after auth middleware
# Forwarding happens only when LMS_ROOT_URL and both credentials are set (client-credentials app of a
# global-staff LMS service user); otherwise the local views answer.
BACKEND_SERVICE_EDX_OAUTH2_KEY = env_str("BACKEND_SERVICE_EDX_OAUTH2_KEY", "")
BACKEND_SERVICE_EDX_OAUTH2_SECRET = env_str("BACKEND_SERVICE_EDX_OAUTH2_SECRET", "")
LEGACY_PROCTORING_ENABLED = env_bool("LEGACY_PROCTORING_ENABLED", True)
LEGACY_PROCTORING_CONNECT_TIMEOUT = env_float("LEGACY_PROCTORING_CONNECT_TIMEOUT", 3.05)
LEGACY_PROCTORING_READ_TIMEOUT = env_float("LEGACY_PROCTORING_READ_TIMEOUT", 5.0)
LEGACY_PROCTORING_POOL_MAXSIZE = env_int("LEGACY_PROCTORING_POOL_MAXSIZE", 10)
LEGACY_PROCTORING_TOKEN_EXPIRY_MARGIN_SECONDS = env_int("LEGACY_PROCTORING_TOKEN_EXPIRY_MARGIN_SECONDS", 30)
LEGACY_PROCTORING_CIRCUIT_FAILURES = env_int("LEGACY_PROCTORING_CIRCUIT_FAILURES", 5)
LEGACY_PROCTORING_CIRCUIT_WINDOW_SECONDS = env_int("LEGACY_PROCTORING_CIRCUIT_WINDOW_SECONDS", 60)
LEGACY_PROCTORING_CIRCUIT_OPEN_SECONDS = env_int("LEGACY_PROCTORING_CIRCUIT_OPEN_SECONDS", 30)
LEGACY_PROCTORING_RETRY_AFTER_SECONDS = env_int("LEGACY_PROCTORING_RETRY_AFTER_SECONDS", 5)

# --- lti: LTI 1.3 platform for IMS Proctoring Services (docs/lti.md) ------------------------------
INSTALLED_APPS += ["lti.apps.LtiConsumerLibraryConfig", "lti"]  # the library (as app label lti_consumer), then ours
# The issuer (`iss`) tools are registered with, and the base of every URL advertised to them. No trailing slash.
LTI_API_BASE = env_str("LTI_API_BASE", EXAMS_SERVICE_URL).rstrip("/")
PLATFORM_NAME = env_str("PLATFORM_NAME", "Open edX exams")
# Read by lti_consumer at import time (same value as edx-platform).
USAGE_ID_PATTERN = r"(?P<usage_id>(?:i4x://?[^/]+/[^/]+/[^/]+/[^@]+(?:@[^/]+)?)|(?:[^/]+))"
LTI_LAUNCH_HINT_TTL_SECONDS = env_int("LTI_LAUNCH_HINT_TTL_SECONDS", 600)  # tool login → authentication request
LTI_LAUNCH_SESSION_MAX_SECONDS = env_int("LTI_LAUNCH_SESSION_MAX_SECONDS", 7200)  # launch window; also ≤ the JWT's exp
LTI_TOOL_JWT_MAX_AGE_SECONDS = env_int("LTI_TOOL_JWT_MAX_AGE_SECONDS", 3600)  # longest accepted exp - iat
LTI_JWT_LEEWAY_SECONDS = env_int("LTI_JWT_LEEWAY_SECONDS", 30)
LTI_PUBLISHED_KEY_COUNT = env_int("LTI_PUBLISHED_KEY_COUNT", 2)  # current signing key + previous ones in the JWKS
LTI_TOOL_KEYSET_CACHE_SECONDS = env_int("LTI_TOOL_KEYSET_CACHE_SECONDS", 300)
# The tool posts LtiStartAssessment back from its own site: the session cookie must be SameSite=None; Secure
# in production (HTTPS). Lax works for local use where tool and platform share a host.
SESSION_COOKIE_NAME = env_str("SESSION_COOKIE_NAME", "exams_sessionid")
SESSION_COOKIE_SAMESITE = env_str("SESSION_COOKIE_SAMESITE", "None" if SESSION_COOKIE_SECURE else "Lax")
SILENCED_SYSTEM_CHECKS = [*globals().get("SILENCED_SYSTEM_CHECKS", []), "models.W042"]
SPECTACULAR_SETTINGS["PREPROCESSING_HOOKS"] = [
    *SPECTACULAR_SETTINGS.get("PREPROCESSING_HOOKS", []),
    "lti.schema.exclude_lti_endpoints",
]
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
XQUEUE_DELIVERY_BATCH_SECONDS = env_float("XQUEUE_DELIVERY_BATCH_SECONDS", 0.2)  # idle: drain now, busy: 1/window
XQUEUE_DELIVERY_CONCURRENCY = env_int("XQUEUE_DELIVERY_CONCURRENCY", 8)  # delivery threads per worker process
XQUEUE_SWEEP_INTERVAL = env_float("XQUEUE_SWEEP_INTERVAL", 30.0)  # beat: fail expired, redeliver due
XQUEUE_QUEUE_CACHE_SECONDS = env_float("XQUEUE_QUEUE_CACHE_SECONDS", 5.0)  # per-process cache of queue settings
XQUEUE_ACCOUNT_CACHE_SECONDS = env_float("XQUEUE_ACCOUNT_CACHE_SECONDS", 5.0)  # per-process cache of session users
XQUEUE_CSRF_COOKIE_NAME = env_str("XQUEUE_CSRF_COOKIE_NAME", "csrftoken")  # the cookie xqueue-watcher reads
SESSION_ENGINE = env_str("SESSION_ENGINE", "django.contrib.sessions.backends.db")  # cached_db with Redis: faster
CELERY_BEAT_SCHEDULE = {
    **globals().get("CELERY_BEAT_SCHEDULE", {}),
    "xqueue-sweep": {"task": "xqueue.tasks.sweep", "schedule": XQUEUE_SWEEP_INTERVAL},
}

# --- acs: Assessment Control Service, POST /lti/<lti_config_id>/acs (docs/acs.md) -----------------------------
INSTALLED_APPS += ["acs"]

# --- Live proctoring sessions over WebSocket (monitoring app, docs/monitoring.md) -----------------
# Embedded default: in-memory channel layer (one process: `make run`) and an in-process presence sweeper.
# Production: CHANNEL_LAYER_URL (or REDIS_URL) → Redis channel layer shared by every ASGI process; Celery
# beat sweeps presence. Serve /ws/ with `manage.py run_asgi` (uvicorn, graceful-shutdown timeout).
INSTALLED_APPS += ["channels", "monitoring"]
ASGI_APPLICATION = "exams_service.asgi.application"
CHANNEL_LAYER_URL = env_str("CHANNEL_LAYER_URL", REDIS_URL)
# Redis channel-layer tuning and `channel_layers(url)`: settings/channel_layers.py
from settings.channel_layers import *  # noqa: E402,F401,F403
from settings.channel_layers import channel_layers  # noqa: E402 - tests build layers for other URLs

CHANNEL_LAYERS = channel_layers(CHANNEL_LAYER_URL)
MONITORING_ALLOWED_ORIGINS = env_list("MONITORING_ALLOWED_ORIGINS", [EXAMS_SERVICE_URL, *CORS_ALLOWED_ORIGINS])
MONITORING_TICKET_TTL_SECONDS = env_int("MONITORING_TICKET_TTL_SECONDS", 60)
MONITORING_HEARTBEAT_INTERVAL_SECONDS = env_int("MONITORING_HEARTBEAT_INTERVAL_SECONDS", 10)
MONITORING_STALE_AFTER_SECONDS = env_int("MONITORING_STALE_AFTER_SECONDS", 25)
MONITORING_OFFLINE_AFTER_SECONDS = env_int("MONITORING_OFFLINE_AFTER_SECONDS", 45)
MONITORING_SWEEP_SECONDS = env_int("MONITORING_SWEEP_SECONDS", 5)
MONITORING_HEARTBEAT_FLUSH_SECONDS = env_float("MONITORING_HEARTBEAT_FLUSH_SECONDS", 1.0)  # 0: a write per beat
# The numbering thread (monitoring/late_numbering.py) gathers status changes this long before it numbers and sends
# them in one go, and closes its database connection after MONITORING_LATE_NUMBERING_IDLE_SECONDS without work.
MONITORING_NUMBERING_WINDOW_MS = env_int("MONITORING_NUMBERING_WINDOW_MS", 50)
MONITORING_LATE_NUMBERING_IDLE_SECONDS = env_float("MONITORING_LATE_NUMBERING_IDLE_SECONDS", 30.0)
MONITORING_INPROCESS_SWEEPER = env_bool("MONITORING_INPROCESS_SWEEPER", not CHANNEL_LAYER_URL)
MONITORING_MAX_FRAME_BYTES = env_int("MONITORING_MAX_FRAME_BYTES", 16384)
MONITORING_RATE_PER_SECOND = env_float("MONITORING_RATE_PER_SECOND", 5.0)
MONITORING_RATE_BURST = env_int("MONITORING_RATE_BURST", 20)
MONITORING_RATE_MAX_DROPS = env_int("MONITORING_RATE_MAX_DROPS", 20)  # then close 4008
MONITORING_REPLAY_LIMIT = env_int("MONITORING_REPLAY_LIMIT", 500)  # larger gaps → `gap` + snapshot
MONITORING_SNAPSHOT_ANOMALIES = env_int("MONITORING_SNAPSHOT_ANOMALIES", 5)
MONITORING_ROLE_RECHECK_SECONDS = env_float("MONITORING_ROLE_RECHECK_SECONDS", 5.0)  # proctor role, per command
MONITORING_REORDER_WAIT_MS = env_int("MONITORING_REORDER_WAIT_MS", 250)  # a hole open this long → fill from the log
MONITORING_RISK_HALF_LIFE_SECONDS = env_int("MONITORING_RISK_HALF_LIFE_SECONDS", 300)  # risk halves
CELERY_BEAT_SCHEDULE["sweep-proctoring-presence"] = {
    "task": "monitoring.tasks.sweep_presence",
    "schedule": float(MONITORING_SWEEP_SECONDS),
}
# ASGI server for /ws/ (`manage.py run_asgi`, uvicorn): graceful shutdown bounds deploys (uvicorn waits forever
# for open sockets without it); the frame cap is enforced again per message by the consumers.
ASGI_WORKERS = env_int("ASGI_WORKERS", 2)
ASGI_GRACEFUL_SHUTDOWN_SECONDS = env_int("ASGI_GRACEFUL_SHUTDOWN_SECONDS", 10)
ASGI_WS_MAX_SIZE = env_int("ASGI_WS_MAX_SIZE", 65536)
ASGI_WS_PING_SECONDS = env_float("ASGI_WS_PING_SECONDS", 20.0)
ASGI_BACKLOG = env_int("ASGI_BACKLOG", 4096)
# Young-generation thresholds of the ASGI workers (exams_service/gc_tuning.py); "" keeps CPython's (700,10,10).
ASGI_GC_THRESHOLD = tuple(int(n) for n in env_str("ASGI_GC_THRESHOLD", "50000,20,100").split(",") if n.strip())
