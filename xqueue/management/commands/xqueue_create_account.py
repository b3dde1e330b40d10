"""Create a grader or LMS account: `manage.py xqueue_create_account grader watcher1` prints a generated secret once.

`--rotate` replaces an existing account's secret (printed once); `--secret` (or XQUEUE_ACCOUNT_SECRET) creates or
updates the account with a secret generated elsewhere (e.g. Tutor's config), stored like a generated one;
`--password` (or XQUEUE_ACCOUNT_PASSWORD) sets an operator-chosen password instead, stored with Django's default
(stretched) hasher.
"""

import os

from django.core.management.base import BaseCommand, CommandError

from xqueue import services
from xqueue.constants import ROLE_GROUPS


class Command(BaseCommand):
    help = "Create an XQueue account (a Django user in the grader or LMS group) with a generated secret."

    def add_arguments(self, parser):
        parser.add_argument("role", choices=sorted(ROLE_GROUPS))
        parser.add_argument("username")
        parser.add_argument("--rotate", action="store_true", help="replace an existing account's generated secret")
        parser.add_argument(
            "--secret",
            help="a secret generated elsewhere (>= 43 random URL-safe characters), kept as given: create or update "
            "(or XQUEUE_ACCOUNT_SECRET)",
        )
        parser.add_argument(
            "--password", help="an operator-chosen password instead of a generated secret (or XQUEUE_ACCOUNT_PASSWORD)"
        )

    def handle(self, *args, role, username, password, secret, rotate, **options):
        password = password or os.environ.get("XQUEUE_ACCOUNT_PASSWORD", "")
        secret = secret or os.environ.get("XQUEUE_ACCOUNT_SECRET", "")
        if (password or secret) and rotate:
            raise CommandError("--rotate generates a secret; it does not take a password or a secret.")
        if password and secret:
            raise CommandError("give a secret or a password, not both.")
        try:
            if secret:
                created = services.store_secret(username=username, role=role, secret=secret)
                self.stdout.write(f"{'Created' if created else 'Updated'} {role} account {username!r} (given secret).")
                return
            if password:
                created = services.create_account(username=username, password=password, role=role)
                self.stdout.write(f"{'Created' if created else 'Updated'} {role} account {username!r}.")
                return
            created, secret = services.issue_secret(username=username, role=role, rotate=rotate)
        except ValueError as exc:
            raise CommandError(f"{exc} (--rotate replaces a generated secret, --password sets a chosen one)") from exc
        done = "Created" if created else "Rotated the secret of"
        self.stdout.write(f"{done} {role} account {username!r}. Its secret, shown only this once:")
        self.stdout.write(secret)
