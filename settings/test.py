"""Test settings. TEST_DATABASE selects sqlite (default), postgresql or mysql."""

import hashlib
import os

from settings.base import *  # noqa: F401,F403
from settings.database import database_from_url
from settings.env import env_str
from settings.keys import new_private_jwk

TEST_DATABASE_URLS = {
    "sqlite": "sqlite:///:memory:",
    "postgresql": "postgres://postgres@127.0.0.1:5432/exams",
    "mysql": "mysql://root@127.0.0.1:3306/exams",
}
TEST_DATABASE = env_str("TEST_DATABASE", "sqlite")
DATABASES = {"default": database_from_url(os.environ.get("DATABASE_URL") or TEST_DATABASE_URLS[TEST_DATABASE])}
# One test database per checkout, so several checkouts on one machine never drop each other's.
_checkout = hashlib.sha1(str(BASE_DIR).encode()).hexdigest()[:8]  # noqa: F405
if TEST_DATABASE != "sqlite":
    DATABASES["default"]["TEST"] = {"NAME": f"test_exams_{_checkout}"}
if TEST_DATABASE == "mysql":
    DATABASES["default"]["TEST"].update({"CHARSET": "utf8mb4", "COLLATION": "utf8mb4_unicode_ci"})

CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
REDIS_URL = ""
# MD5 for speed; the service-secret hasher stays registered (production's list: tests/security/test_service_secrets.py)
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.MD5PasswordHasher",
    "exams_service.security.service_secrets.ServiceSecretHasher",
]
CELERY_TASK_ALWAYS_EAGER = True
CELERY_BROKER_URL = "memory://"
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
LMS_ROOT_URL = ""
# loopback peers (pytest-httpserver, the pylti1p3 tool): production keeps both rules on (tests/security)
OUTGOING_URLS_ALLOW_PRIVATE_ADDRESSES = True
XQUEUE_CALLBACK_ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
LEARNING_MICROFRONTEND_URL = "http://test.learning:2000"
EXAMS_SERVICE_URL = "http://test.exams:18740"
JWT_AUTH = {
    **JWT_AUTH,  # noqa: F405
    "JWT_ISSUERS": [
        {
            "ISSUER": "https://test-provider/oauth2",
            "AUDIENCE": "test-audience",
            "SECRET_KEY": "test-secret-key-that-is-long-enough-for-hs256",
        }
    ],
    "JWT_PUBLIC_SIGNING_JWK_SET": "",
}
DEV_TOOLS_ENABLED = False
LOGGING["root"]["level"] = "WARNING"  # noqa: F405
EXAM_ACCESS_TOKENS = {**EXAM_ACCESS_TOKENS, "PRIVATE_JWK": new_private_jwk()}  # noqa: F405
XQUEUE_QUEUE_CACHE_SECONDS = 0  # every test sees its own queues
XQUEUE_ACCOUNT_CACHE_SECONDS = 0  # tests reuse user ids; tests/xqueue/test_account_cache.py covers it
EXAM_CACHE_SECONDS = 0  # tests reuse primary keys across transactions; tests/exams/test_exam_cache.py covers it


# --- monitoring: in-memory channel layer; tests drive the presence sweep themselves -------------
CHANNEL_LAYER_URL = ""
CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
MONITORING_INPROCESS_SWEEPER = False
ASGI_GC_THRESHOLD = ()  # importing the ASGI app in tests leaves the collector alone (tests/test_gc_tuning.py)
MONITORING_LATE_NUMBERING_IDLE_SECONDS = 0.2  # its connection is gone before the test database is dropped
MONITORING_HEARTBEAT_FLUSH_SECONDS = 0  # beats written at once; tests/monitoring/test_presence.py covers the buffer
MONITORING_ALLOWED_ORIGINS = ["http://test.exams:18740", "http://testserver"]
