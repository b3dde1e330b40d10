"""`manage.py mint_dev_jwt USERNAME`: print an `Authorization: JWT ...` header (dev settings only)."""

from django.core.management.base import BaseCommand, CommandError

from exams.models import User
from exams.services.dev_tokens import dev_jwt_for
from exams_service.security.dev_tools import dev_tools_enabled


class Command(BaseCommand):
    help = "Print a ready-to-paste Authorization header for a user (only where DEV_TOOLS_ENABLED)."

    def add_arguments(self, parser):
        parser.add_argument("usernames", nargs="+")
        parser.add_argument("--hours", type=int, default=24)

    def handle(self, *args, usernames, hours, **options):
        if not dev_tools_enabled():
            raise CommandError("mint_dev_jwt is disabled outside development settings.")
        for username in usernames:
            user = User.objects.filter(username=username).first()
            if user is None:
                raise CommandError(f"No user named {username}")
            try:
                token = dev_jwt_for(user, hours=hours)
            except ValueError as exc:
                raise CommandError(str(exc)) from exc
            self.stdout.write(f"{username}: Authorization: JWT {token}")
