"""Create or update a grader or LMS account: `manage.py xqueue_create_account grader watcher1 --password ...`."""

import os

from django.core.management.base import BaseCommand, CommandError

from xqueue import services
from xqueue.constants import ROLE_GROUPS


class Command(BaseCommand):
    help = "Create or update an XQueue account (a Django user in the grader or LMS group)."

    def add_arguments(self, parser):
        parser.add_argument("role", choices=sorted(ROLE_GROUPS))
        parser.add_argument("username")
        parser.add_argument("--password", help="default: the XQUEUE_ACCOUNT_PASSWORD env var")

    def handle(self, *args, role, username, password, **options):
        password = password or os.environ.get("XQUEUE_ACCOUNT_PASSWORD", "")
        if not password:
            raise CommandError("Give --password or set XQUEUE_ACCOUNT_PASSWORD.")
        try:
            created = services.create_account(username=username, password=password, role=role)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"{'Created' if created else 'Updated'} {role} account {username!r}.")
