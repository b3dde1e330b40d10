"""`manage.py run_periodic_tasks`: run CELERY_BEAT_SCHEDULE in-process (embedded default, no broker).

Production runs `celery beat` instead; this keeps timers, sweeps and retries alive under `make run`.
"""

import logging
import time

from django.conf import settings
from django.core.management.base import BaseCommand

from exams_service.celery import app

log = logging.getLogger(__name__)


def _interval(schedule) -> float:
    return float(getattr(schedule, "total_seconds", lambda: schedule)())


class Command(BaseCommand):
    help = "Run every CELERY_BEAT_SCHEDULE entry at its interval, in this process."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Run each entry once and exit")

    def handle(self, *args, once, **options):
        app.loader.import_default_modules()  # autodiscover tasks as a worker would
        entries = settings.CELERY_BEAT_SCHEDULE
        next_run = dict.fromkeys(entries, 0.0)
        while True:
            now = time.monotonic()
            for name, entry in entries.items():
                if now < next_run[name]:
                    continue
                next_run[name] = now + _interval(entry["schedule"])
                try:
                    result = app.tasks[entry["task"]].apply(args=entry.get("args", ()))
                    self.stdout.write(f"{name}: {result.result!r}") if once else None
                except Exception:  # noqa: BLE001 - one failing entry must not stop the others
                    log.exception("Periodic task %s failed", name)
            if once:
                return
            time.sleep(1)
