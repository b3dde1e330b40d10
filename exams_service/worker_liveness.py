"""Liveness of a Celery worker's consumer, for the process manager (Kubernetes livenessProbe, systemd watchdog).

The worker touches CELERY_WORKER_LIVENESS_FILE every few seconds while its consumer holds a broker connection
(a bootstep registered in exams_service/celery.py). A dead or stuck consumer stops touching it;
`python -m exams_service.worker_liveness` then exits 1 and the process manager restarts the worker.
A broker outage longer than the allowed age restarts the worker too, which then waits for the broker.
"""

import os
import sys
import time
from pathlib import Path

from celery import bootsteps

DEFAULT_FILE = "/tmp/exams-celery-worker.alive"


def liveness_file() -> Path:
    return Path(os.environ.get("CELERY_WORKER_LIVENESS_FILE", DEFAULT_FILE))


class ConsumerLiveness(bootsteps.StartStopStep):
    """Consumer bootstep: a repeating timer touches the file while the broker connection is up."""

    requires = {"celery.worker.consumer.tasks:Tasks"}

    def __init__(self, consumer, **kwargs):
        super().__init__(consumer, **kwargs)
        self.path = liveness_file()
        self.interval = float(os.environ.get("CELERY_WORKER_LIVENESS_INTERVAL", "5"))
        self.entry = None

    def start(self, consumer):
        self.touch(consumer)
        self.entry = consumer.timer.call_repeatedly(self.interval, self.touch, (consumer,), priority=10)

    def stop(self, consumer):
        if self.entry is not None:
            self.entry.cancel()
            self.entry = None

    def touch(self, consumer):
        connection = consumer.connection
        if connection is not None and connection.connected:
            self.path.touch()


def is_alive(path: Path, max_age: float, now: float | None = None) -> bool:
    try:
        age = (now if now is not None else time.time()) - path.stat().st_mtime
    except FileNotFoundError:
        return False
    return age <= max_age


def main(argv: list[str]) -> int:
    max_age = float(argv[1]) if len(argv) > 1 else float(os.environ.get("CELERY_WORKER_LIVENESS_MAX_AGE", "60"))
    alive = is_alive(liveness_file(), max_age)
    print("alive" if alive else f"no consumer heartbeat in {liveness_file()} for {max_age:.0f} s")
    return 0 if alive else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
