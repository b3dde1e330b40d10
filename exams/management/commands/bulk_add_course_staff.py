"""`manage.py bulk_add_course_staff --csv_path=F [--batch_size=200] [--batch_delay=1.0]`."""

import csv

from django.core.management.base import BaseCommand, CommandError

from exams.services.course_staff import bulk_add_course_staff


class Command(BaseCommand):
    help = "Backfill course staff roles from a CSV with header username,email,role,course_id."

    def add_arguments(self, parser):
        parser.add_argument("--csv_path", required=True)
        parser.add_argument("--batch_size", type=int, default=200)
        parser.add_argument("--batch_delay", type=float, default=1.0)

    def handle(self, *args, csv_path, batch_size, batch_delay, **options):
        if batch_size < 1:
            raise CommandError("--batch_size must be at least 1")
        try:
            with open(csv_path, newline="", encoding="utf-8") as handle:
                reader = csv.DictReader(handle)
                missing = {"username", "email", "role", "course_id"} - set(reader.fieldnames or [])
                if missing:
                    raise CommandError(f"CSV is missing columns: {', '.join(sorted(missing))}")
                created = bulk_add_course_staff(rows=reader, batch_size=batch_size, batch_delay=batch_delay)
        except OSError as exc:
            raise CommandError(f"Cannot read {csv_path}: {exc}") from exc
        self.stdout.write(f"Created {created} course staff roles.")
