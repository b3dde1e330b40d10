"""`manage.py repair_unreadable_text [--dry-run]`: make stored strings with NUL or lone surrogates readable."""

from django.core.management.base import BaseCommand

from exams_service.security.repair import repair_stored_text


class Command(BaseCommand):
    help = "Rewrite rows whose text/JSON holds NUL or lone surrogates (U+FFFD replaces them) so pages can render."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="only count the rows that need it")

    def handle(self, *args, dry_run=False, **options):
        fixed = repair_stored_text(dry_run=dry_run)
        verb = "would repair" if dry_run else "repaired"
        for label, count in sorted(fixed.items()):
            self.stdout.write(f"{label}: {verb} {count} row(s)")
        self.stdout.write(f"{verb} {sum(fixed.values())} row(s) in total")
