"""Fail pending submissions that arrived before a date; learners get the "could not be graded" message."""

from datetime import UTC, timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from xqueue import services


class Command(BaseCommand):
    help = "Retire (fail, with learner notification) pending submissions older than a cutoff."

    def add_arguments(self, parser):
        parser.add_argument("--queue", help="only this queue")
        group = parser.add_mutually_exclusive_group(required=True)
        group.add_argument("--before", help='ISO date-time, e.g. "2026-01-31 12:00:00" (UTC if no offset)')
        group.add_argument("--older-than-hours", type=float)

    def handle(self, *args, queue, before, older_than_hours, **options):
        if before:
            cutoff = parse_datetime(before)
            if cutoff is None:
                raise CommandError(f"Cannot parse --before {before!r}")
            if timezone.is_naive(cutoff):
                cutoff = timezone.make_aware(cutoff, UTC)
        else:
            cutoff = timezone.now() - timedelta(hours=older_than_hours)
        count = services.retire_old_submissions(arrived_before=cutoff, queue_name=queue)
        self.stdout.write(f"Retired {count} submission(s) that arrived before {cutoff.isoformat()}.")
