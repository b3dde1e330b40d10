"""Celery application; configuration comes from Django settings prefixed CELERY_."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "settings.local")

app = Celery("exams_service")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Supervision (docs/faults.md): the consumer proves it is connected by touching a file the liveness probe reads.
from exams_service.worker_liveness import ConsumerLiveness  # noqa: E402

app.steps["consumer"].add(ConsumerLiveness)
