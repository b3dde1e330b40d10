"""Run the periodic sweep once (for cron users without Celery beat)."""

from django.conf import settings
from django.core.management.base import BaseCommand

from xqueue import services


class Command(BaseCommand):
    help = "Fail submissions out of attempts (learners are told) and redeliver overdue results."

    def handle(self, *args, **options):
        failed = services.fail_exhausted_submissions()
        redelivered = services.redeliver_overdue(grace_seconds=settings.XQUEUE_SWEEP_INTERVAL)
        self.stdout.write(f"failed={failed} redelivered={redelivered}")
