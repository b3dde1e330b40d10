"""Settings for real ASGI server processes started by the live tests (own SQLite file, env-driven layer)."""

from settings.base import *  # noqa: F401,F403
from settings.base import CACHES, LOGGING, REDIS_URL
from settings.env import env_str

DEBUG = False
ALLOWED_HOSTS = ["*"]
LOGGING["root"]["level"] = "WARNING"
CELERY_TASK_ALWAYS_EAGER = True
CELERY_BROKER_URL = "memory://"
if REDIS_URL:
    CACHES["default"]["KEY_PREFIX"] = env_str("CACHE_KEY_PREFIX", "live-test")
