"""Delete finished submissions (and their files) older than N days, in chunks."""

from datetime import timedelta

from django.core.management.base import BaseCommand
from django.utils import timezone

from xqueue import services


class Command(BaseCommand):
    help = "Delete graded/failed/superseded submissions older than --days (pending ones are kept)."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=float, default=7.0)
        parser.add_argument("--chunk-size", type=int, default=1000)

    def handle(self, *args, days, chunk_size, **options):
        cutoff = timezone.now() - timedelta(days=days)
        count = services.delete_old_submissions(finished_before=cutoff, batch_size=chunk_size)
        self.stdout.write(f"Deleted {count} submission(s) that arrived before {cutoff.isoformat()}.")
