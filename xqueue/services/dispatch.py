"""When results are delivered: on commit, by batch drains, by their own retries, by the sweeper, on request.

A grader fleet records hundreds of results a second, and publishing one Celery message per result was the
largest cost of `put_result`. With XQUEUE_DELIVERY_BATCH_SECONDS > 0 a process asks for a drain at most
once per window, with the window as countdown, so the drain runs after every result committed while the
window was open; the drain delivers every due result, XQUEUE_DELIVERY_CONCURRENCY at a time. A failed
delivery is retried by its own task with backoff, and the periodic sweep catches anything left due (a lost
message, a restart). Every delivery claims its attempt with a compare-and-set, so overlaps never deliver twice.
"""

import logging
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from django.conf import settings
from django.db import connection, connections, transaction
from django.utils import timezone

from xqueue.models import DeliveryState, Submission
from xqueue.services.delivery import DeliveryOutcome, deliver_result

log = logging.getLogger(__name__)

DRAIN_LIMIT = 500  # due results per drain; a full drain asks for the next one at once


class DrainTrigger:
    """At most one drain request per window from this process (thread-safe)."""

    def __init__(self, send, clock=time.monotonic):
        self._send, self._clock = send, clock
        self._window_ends = 0.0
        self._lock = threading.Lock()

    def request(self, window: float) -> bool:
        """True when this call sent the request; later calls in the window are covered by it."""
        now = self._clock()
        with self._lock:
            if now < self._window_ends:
                return False
            self._window_ends = now + window
        self._send(window)
        return True


def _send_drain(countdown: float) -> None:
    from xqueue.tasks import deliver_due_results

    deliver_due_results.apply_async(countdown=countdown)


_trigger = DrainTrigger(_send_drain)


def schedule_delivery(*, submission_id: int, expected_attempts: int) -> None:
    """Have the result delivered once the current transaction commits."""
    transaction.on_commit(lambda: _dispatch(submission_id, expected_attempts), robust=True)


def _dispatch(submission_id: int, expected_attempts: int) -> None:
    from xqueue.tasks import deliver_result as deliver_result_task

    window = settings.XQUEUE_DELIVERY_BATCH_SECONDS
    if window <= 0 or settings.CELERY_TASK_ALWAYS_EAGER:  # eager: a countdown would not wait
        deliver_result_task.delay(submission_id, expected_attempts)
    else:
        _trigger.request(window)


def deliver_due_results(*, limit: int = DRAIN_LIMIT) -> dict:
    """Deliver every due result; failures get their own retry task. Returns counts."""
    rows = list(
        Submission.objects.filter(delivery_state=DeliveryState.PENDING, delivery_due_at__lte=timezone.now())
        .order_by("delivery_due_at")
        .values_list("id", "delivery_attempts")[:limit]
    )
    outcomes = _deliver_concurrently(rows)
    counts = {"due": len(rows), "delivered": 0, "retrying": 0}
    for (submission_id, _attempts), outcome in zip(rows, outcomes, strict=True):
        if outcome is None:
            continue  # someone else's attempt
        if outcome.delivered:
            counts["delivered"] += 1
        elif outcome.retry_at is not None:
            counts["retrying"] += 1
            _retry_later(submission_id, outcome)
    if len(rows) == limit:
        _send_drain(0)
    return counts


def _deliver_concurrently(rows: list[tuple[int, int]]) -> list[DeliveryOutcome | None]:
    workers = min(settings.XQUEUE_DELIVERY_CONCURRENCY, len(rows))
    if workers <= 1 or connection.vendor == "sqlite":
        return [deliver_result(submission_id=sid, expected_attempts=attempts) for sid, attempts in rows]
    chunks = [rows[i::workers] for i in range(workers)]
    with ThreadPoolExecutor(workers) as pool:
        results = list(pool.map(_deliver_chunk, chunks))
    by_id = {sid: outcome for chunk in results for sid, outcome in chunk}
    return [by_id[sid] for sid, _attempts in rows]


def _deliver_chunk(rows: list[tuple[int, int]]) -> list[tuple[int, DeliveryOutcome | None]]:
    try:
        return [(sid, deliver_result(submission_id=sid, expected_attempts=attempts)) for sid, attempts in rows]
    finally:
        connections.close_all()  # this thread's connection


def _retry_later(submission_id: int, outcome: DeliveryOutcome) -> None:
    from xqueue.tasks import deliver_result as deliver_result_task

    try:
        deliver_result_task.apply_async((submission_id, outcome.attempts), countdown=outcome.retry_countdown())
    except Exception:  # noqa: BLE001 - the sweeper redelivers it
        log.exception("xqueue: could not schedule the retry of submission %s", submission_id)


def redeliver_overdue(*, grace_seconds: float, limit: int = 500) -> int:
    """Re-schedule pending deliveries whose retry is overdue (lost task, eager mode, restart); returns count."""
    cutoff = timezone.now() - timedelta(seconds=grace_seconds)
    rows = list(
        Submission.objects.filter(delivery_state=DeliveryState.PENDING, delivery_due_at__lte=cutoff)
        .order_by("delivery_due_at")
        .values_list("id", "delivery_attempts")[:limit]
    )
    for submission_id, attempts in rows:
        schedule_delivery(submission_id=submission_id, expected_attempts=attempts)
    return len(rows)


def retry_delivery(*, submission_ids: list[int]) -> int:
    """Operator action: deliver again now (e.g. after the LMS came back or gave-up deliveries)."""
    now = timezone.now()
    with transaction.atomic():
        rows = list(
            Submission.objects.filter(pk__in=submission_ids)
            .exclude(grader_reply="")
            .exclude(delivery_state=DeliveryState.DELIVERED)
            .values_list("id", "delivery_attempts")
        )
        Submission.objects.filter(pk__in=[row[0] for row in rows]).update(
            delivery_state=DeliveryState.PENDING, delivery_due_at=now
        )
        for submission_id, attempts in rows:
            schedule_delivery(submission_id=submission_id, expected_attempts=attempts)
    return len(rows)
