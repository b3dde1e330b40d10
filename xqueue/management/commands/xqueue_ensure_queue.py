"""Create or update a queue: `manage.py xqueue_ensure_queue python-grader --visibility-timeout 300`."""

from django.core.management.base import BaseCommand

from xqueue import services


class Command(BaseCommand):
    help = "Create a queue if missing, and set its visibility timeout / maximum attempts if given."

    def add_arguments(self, parser):
        parser.add_argument("name")
        parser.add_argument("--visibility-timeout", type=int, help="seconds")
        parser.add_argument("--max-attempts", type=int)

    def handle(self, *args, name, visibility_timeout, max_attempts, **options):
        queue = services.ensure_queue(name=name, visibility_timeout=visibility_timeout, max_attempts=max_attempts)
        self.stdout.write(
            f"{queue.name}: visibility_timeout={queue.visibility_timeout}s max_attempts={queue.max_attempts}"
        )
