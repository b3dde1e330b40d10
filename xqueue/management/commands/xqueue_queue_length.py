"""Per-queue metrics: waiting submissions, in flight, age of the oldest waiting one."""

import json
from dataclasses import asdict

from django.core.management.base import BaseCommand

from xqueue import selectors


class Command(BaseCommand):
    help = "Print length, in-flight count and age of the oldest waiting submission of every queue."

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", help="one JSON object per line")

    def handle(self, *args, **options):
        for metric in selectors.queue_metrics():
            if options["json"]:
                self.stdout.write(json.dumps(asdict(metric)))
            else:
                age = "-" if metric.oldest_age_seconds is None else f"{metric.oldest_age_seconds:.0f}s"
                self.stdout.write(f"{metric.name}\tlength={metric.length}\tin_flight={metric.in_flight}\toldest={age}")
