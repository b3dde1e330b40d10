"""When results are delivered: on commit, by batch drains, by their own retries, by the sweeper, on request.

A grader fleet records hundreds of results a second, and publishing one Celery message per result was the
largest cost of `put_result`. With XQUEUE_DELIVERY_BATCH_SECONDS > 0 a process asks for a drain at once when
none of its drains is waiting to start, and otherwise for at most one more per window, timed to start when the
window ends: an idle service delivers a result within milliseconds, a busy one sends one message per window.
A drain claims due results in bulk (`delivery_claims`), posts them XQUEUE_DELIVERY_CONCURRENCY at a time over
kept-alive connections (`lms_client`) from a thread pool that lives as long as the process and never touches
the database, then records the outcomes in bulk. A failed delivery is retried by its own task with backoff,
and the periodic sweep catches anything left due (a lost message, a restart, a drain that died holding claims).
Every claim is a compare-and-set on the attempt counter, so overlaps never deliver twice.
"""

import logging
import math
import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from xqueue.models import DeliveryState, Submission
from xqueue.services.delivery import (
    ClaimedResult,
    DeliveryOutcome,
    post,
    post_seconds,
    record_delivered,
    record_failure,
    release,
)
from xqueue.services.delivery_claims import claim_due

log = logging.getLogger(__name__)

CLAIM_BATCH = 100  # results claimed per round of a drain; a full round is followed by another
DRAIN_MAX_SECONDS = 5.0  # a drain still finding full rounds after this hands over to a fresh one
COVER_MARGIN = 0.05  # seconds: a result is left to a waiting drain only if it starts at least this much later


class DrainTrigger:
    """The drains this process asks for: at once when none is waiting to start, else one per window (thread-safe)."""

    def __init__(self, send, clock=time.monotonic):
        self._send, self._clock = send, clock
        self._next_start = -math.inf  # when the latest drain asked for starts (this process's clock)
        self._lock = threading.Lock()

    def request(self, window: float) -> bool:
        """True when this call asked for a drain; False when a drain that has not started yet covers it."""
        now = self._clock()
        with self._lock:
            if now + COVER_MARGIN <= self._next_start:
                return False
            previous = self._next_start
            self._next_start = start = max(now, previous + window)
        try:
            self._send(start - now)
        except Exception:
            with self._lock:
                if self._next_start == start:
                    self._next_start = previous  # not sent: the next result asks again
            raise
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


class _Posters:
    """The process's delivery threads (created on first use, rebuilt when the setting changes or after fork)."""

    def __init__(self):
        self._lock = threading.Lock()
        self._pool: ThreadPoolExecutor | None = None
        self._size = 0

    def pool(self, size: int) -> ThreadPoolExecutor:
        with self._lock:
            if self._pool is None or self._size != size:
                if self._pool is not None:
                    self._pool.shutdown(wait=False)
                self._pool, self._size = ThreadPoolExecutor(size, thread_name_prefix="xqueue-delivery"), size
            return self._pool

    def forget(self) -> None:
        self._pool, self._size, self._lock = None, 0, threading.Lock()


_posters = _Posters()
os.register_at_fork(after_in_child=_posters.forget)  # threads do not survive a fork


def _post_unless_late(claim: ClaimedResult, start_by: float) -> str | None:
    """The POST's error ("" = delivered), or None when it could not start before its lease ran short."""
    if time.monotonic() > start_by:
        return None
    try:
        return post(claim)
    except Exception as exc:  # noqa: BLE001 - recorded and retried like any failed attempt
        log.exception("xqueue: delivery of submission %s raised", claim.submission_id)
        return f"{type(exc).__name__}: {exc}"[:1000]


def _post_all(claims: list[ClaimedResult], start_by: float) -> list[str | None]:
    workers = min(max(1, settings.XQUEUE_DELIVERY_CONCURRENCY), len(claims))
    if workers <= 1:
        return [_post_unless_late(claim, start_by) for claim in claims]
    pool = _posters.pool(max(1, settings.XQUEUE_DELIVERY_CONCURRENCY))
    return list(pool.map(lambda claim: _post_unless_late(claim, start_by), claims))


def _drain_round(limit: int, counts: dict) -> int:
    """Claim up to `limit` due results, post them, record the outcomes; returns how many were claimed."""
    start_window = 2 * settings.XQUEUE_LMS_TIMEOUT  # a POST may start this late and still end within the lease
    now = timezone.now()
    claims = claim_due(limit=limit, now=now, lease_until=now + timedelta(seconds=start_window + post_seconds()))
    if not claims:
        return 0
    errors = _post_all(claims, time.monotonic() + start_window)
    counts["due"] += len(claims)
    counts["delivered"] += record_delivered([claim for claim, error in zip(claims, errors, strict=True) if error == ""])
    release([claim for claim, error in zip(claims, errors, strict=True) if error is None])
    for claim, error in zip(claims, errors, strict=True):
        if error:
            outcome = record_failure(claim, error)
            if outcome.retry_at is not None:
                counts["retrying"] += 1
                _retry_later(claim.submission_id, outcome)
    return len(claims)


def deliver_due_results(*, limit: int = CLAIM_BATCH) -> dict:
    """Deliver every due result, `limit` per round; failures get their own retry task. Returns counts."""
    counts = {"due": 0, "delivered": 0, "retrying": 0}
    started = time.monotonic()
    while _drain_round(limit, counts) == limit:
        if time.monotonic() - started >= DRAIN_MAX_SECONDS:
            _send_drain(0)
            break
    return counts


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
