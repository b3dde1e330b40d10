"""Numbering of committed status events off the request path, many exams at a time (`monitoring.sequencer`).

A status change commits its event unnumbered and queues the event's exam here; the learner's request makes no
numbering round trip and no Redis PUBLISH. One daemon thread per process wakes on the first exam queued, waits
`MONITORING_NUMBERING_WINDOW_MS` for more, then takes every queued exam at once: on PostgreSQL one statement
numbers them all (waiting for their sequencers, which no learner transaction ever holds), and each exam's new
events go to its dashboards in one group message. Under load a drain carries many events, so the numbering and
fan-out cost less per status change; when idle, an event reaches dashboards one window after its commit.

An exam queued while a drain runs waits for the next one, whose claim comes after that writer's commit, so no
event is missed. The thread keeps its database connection while exams keep coming and closes it after
`MONITORING_LATE_NUMBERING_IDLE_SECONDS` without work, so an idle process holds none. A process that exits
drains what is queued at once (`atexit`, the window cut short); one killed with exams queued leaves them to the
presence sweep (`presence.number_leftovers`): their events are committed, only their numbers and fan-out wait.
"""

import atexit
import logging
import os
import threading
from collections.abc import Callable

from django.conf import settings
from django.db import close_old_connections, connections

log = logging.getLogger(__name__)

EXIT_DRAIN_SECONDS = 2.0


class LateNumbering:
    """A per-process queue of exams whose pending events need numbering, drained by a daemon thread."""

    def __init__(self, number: Callable[[list[int]], object]):
        self._number = number
        self._lock = threading.Condition()
        self._exams: set[int] = set()
        self._busy = False
        self._hurry = False  # exiting: drain without waiting out the window
        self._pid = None
        atexit.register(self.drain_at_exit)

    def submit(self, exam_id: int) -> None:
        with self._lock:
            self._exams.add(exam_id)
            if self._pid != os.getpid():  # first use in this process (or after a fork): start its thread
                self._pid = os.getpid()
                threading.Thread(target=self._run, name="monitoring-late-numbering", daemon=True).start()
            if not self._busy:
                self._lock.notify_all()

    def queued(self, exam_id: int) -> bool:
        """True while the exam waits here, not yet taken by a drain: the coming drain numbers every event
        committed before this call, so a writer that just committed need not claim the sequencer itself."""
        with self._lock:
            return exam_id in self._exams

    def wait_idle(self, timeout: float) -> bool:
        """True once nothing is queued or being numbered (tests, process exit)."""
        with self._lock:
            if self._pid != os.getpid():
                return not self._exams  # no thread in this process (a fork's inherited queue is not ours)
            return self._lock.wait_for(lambda: not self._exams and not self._busy, timeout)

    def drain_at_exit(self, timeout: float = EXIT_DRAIN_SECONDS) -> bool:
        """Number what is queued now, without waiting out the window (registered with `atexit`)."""
        with self._lock:
            self._hurry = True
            self._lock.notify_all()
        return self.wait_idle(timeout)

    def _run(self) -> None:
        while True:
            if not self._wait_for_work():
                connections.close_all()  # idle for a while: hold no connection
                with self._lock:
                    self._lock.wait_for(lambda: bool(self._exams))
                continue
            with self._lock:  # gather the exams of other commits for one window
                self._lock.wait_for(lambda: self._hurry, settings.MONITORING_NUMBERING_WINDOW_MS / 1000)
                exams, self._exams = sorted(self._exams), set()
            try:
                close_old_connections()  # a broken or expired connection is replaced, as at a request's start
                self._number(exams)
            except Exception:  # noqa: BLE001 - a database error must not kill the thread; the sweep catches up
                log.exception("Numbering of exams %s failed; the presence sweep will number them", exams)
            finally:
                with self._lock:
                    self._busy = bool(self._exams)
                    self._lock.notify_all()

    def _wait_for_work(self) -> bool:
        """Marks the thread busy once an exam is queued; False after the idle timeout with none."""
        with self._lock:
            if self._lock.wait_for(lambda: bool(self._exams), settings.MONITORING_LATE_NUMBERING_IDLE_SECONDS):
                self._busy = True
                return True
            return False
