"""Numbering that waits for a held exam sequencer, off the request path (`monitoring.sequencer`).

A writer that finds the exam's sequencer held does not wait in the learner's request: it queues the exam here.
One daemon thread per process claims the sequencer waiting, after the holder's commit, and numbers what is
pending (the queued writer's event among it). Exams queued while one is being numbered are merged, and a writer
whose exam is already queued leaves its event to that coming claim (no round trip of its own). The thread
keeps its database connection while exams keep coming (one exam's learners skip often) and closes it after
`MONITORING_LATE_NUMBERING_IDLE_SECONDS` without work, so an idle process holds none. A process that dies
with exams queued leaves them to the presence sweep (`presence.number_leftovers`).
"""

import logging
import os
import threading
from collections.abc import Callable

from django.conf import settings
from django.db import close_old_connections, connections

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

    def queued(self, exam_id: int) -> bool:
        """True while the exam waits here, not yet taken by the thread: its coming claim numbers every event
        committed before this call, so a writer that just committed need not claim the sequencer itself."""
        with self._lock:
            return exam_id in self._exams

    def wait_idle(self, timeout: float) -> bool:
        """True once nothing is queued or being numbered (tests, shutdown)."""
        with self._lock:
            return self._lock.wait_for(lambda: not self._exams and not self._busy, timeout)

    def _run(self) -> None:
        while True:
            exam_id, idle_after = None, settings.MONITORING_LATE_NUMBERING_IDLE_SECONDS
            with self._lock:
                if self._lock.wait_for(lambda: bool(self._exams), timeout=idle_after):
                    exam_id, self._busy = self._exams.pop(), True
            if exam_id is None:
                connections.close_all()  # idle for a while: hold no connection
                with self._lock:
                    self._lock.wait_for(lambda: bool(self._exams))
                continue
            try:
                close_old_connections()  # a broken or expired connection is replaced, as at a request's start
                self._number(exam_id)
            except Exception:  # noqa: BLE001 - a database error must not kill the thread; the sweep catches up
                log.exception("Late numbering of exam %s failed; the presence sweep will number it", exam_id)
            finally:
                with self._lock:
                    self._busy = False
                    self._lock.notify_all()
