"""Benchmark settings: the service's own settings plus bench-only ceiling endpoints, quiet logs."""

from settings.base import *  # noqa: F401,F403
from settings.base import LOGGING
from settings.keys import new_private_jwk

DEBUG = False
ALLOWED_HOSTS = ["*"]
ROOT_URLCONF = "bench.urls"
LOGGING["root"]["level"] = "ERROR"
LOGGING["loggers"]["django.request"] = {"level": "ERROR"}
EXAM_ACCESS_TOKENS = {**EXAM_ACCESS_TOKENS, "PRIVATE_JWK": new_private_jwk()}  # noqa: F405
# Like production: tasks are published to a broker (nobody consumes them during the run).
CELERY_TASK_ALWAYS_EAGER = False
CELERY_BROKER_URL = "redis://127.0.0.1:6379/14"
