"""Print the legacy router's counters, latency histograms and circuit state as JSON."""

import json

from django.core.management.base import BaseCommand

from legacy_router import breaker, metrics
from legacy_router.conf import legacy_settings


class Command(BaseCommand):
    help = "Show edx-proctoring forwarding metrics (shared cache, all processes)."

    def add_arguments(self, parser):
        parser.add_argument("--reset", action="store_true", help="Zero the counters after printing them.")

    def handle(self, *args, reset=False, **options):
        report = {"enabled": legacy_settings() is not None, "circuit": breaker.state(), "endpoints": metrics.snapshot()}
        self.stdout.write(json.dumps(report, indent=2))
        if reset:
            metrics.reset()
