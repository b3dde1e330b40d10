"""Numbering that waits for a held exam sequencer, off the request path (`monitoring.sequencer`).

A writer that finds the exam's sequencer held does not wait in the learner's request: it queues the exam here.
One daemon thread per process claims the sequencer waiting, after the holder's commit, and numbers what is
pending (the queued writer's event among it). Exams queued while one is being numbered are merged. The thread
closes its database connection whenever the queue runs dry, so an idle process holds none. A process that dies
with exams queued leaves them to the presence sweep (`presence.number_leftovers`).
"""

import logging
import os
import threading
from collections.abc import Callable

from django.db import connections

log = logging.getLogger(__name__)


class LateNumbering:
    """A per-process queue of exams whose pending events still need numbering, drained by a daemon thread."""

    def __init__(self, number: Callable[[int], object]):
        self._number = number
        self._lock = threading.Condition()
        self._exams: set[int] = set()
        self._busy = False
        self._pid = None

    def submit(self, exam_id: int) -> None:
        with self._lock:
            self._exams.add(exam_id)
            if self._pid != os.getpid():  # first use in this process (or after a fork): start its thread
                self._pid = os.getpid()
                threading.Thread(target=self._run, name="monitoring-late-numbering", daemon=True).start()
            self._lock.notify_all()

    def wait_idle(self, timeout: float) -> bool:
        """True once nothing is queued or being numbered (tests, shutdown)."""
        with self._lock:
            return self._lock.wait_for(lambda: not self._exams and not self._busy, timeout)

    def _run(self) -> None:
        while True:
            with self._lock:
                self._lock.wait_for(lambda: self._exams)
                exam_id = self._exams.pop()
                self._busy = True
            try:
                self._number(exam_id)
            except Exception:  # noqa: BLE001 - a database error must not kill the thread; the sweep catches up
                log.exception("Late numbering of exam %s failed; the presence sweep will number it", exam_id)
            finally:
                with self._lock:
                    idle = not self._exams
                if idle:
                    connections.close_all()
                with self._lock:
                    self._busy = False
                    self._lock.notify_all()
