"""One delivery attempt of a result (or failure notice) to the LMS callback, the claim lease, and the backoff."""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import F
from django.utils import timezone

from exams_service.security import outgoing_urls
from xqueue.models import DeliveryState, Submission
from xqueue.services import lms_client

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class DeliveryOutcome:
    delivered: bool
    attempts: int = 0
    retry_at: datetime | None = None

    def retry_countdown(self) -> float:
        """Seconds until the retry is due, plus a margin so the retry's claim finds it due."""
        return max(0.0, (self.retry_at - timezone.now()).total_seconds()) + 0.5


@dataclass(frozen=True)
class ClaimedResult:
    """A result claimed for one delivery attempt: `attempts` is the counter value the claim set."""

    submission_id: int
    attempts: int
    url: str
    header: str
    reply: str
    finished_at: datetime | None


def due_now(now: datetime) -> dict:
    """Update fields that make a result (or failure notice) recorded at `now` due for its first delivery."""
    return {"delivery_state": DeliveryState.PENDING, "delivery_due_at": now, "delivery_attempts": 0}


def backoff_seconds(attempts: int) -> float:
    """Delay before the next attempt after `attempts` failures: base * 2^(n-1), capped."""
    delay = settings.XQUEUE_DELIVERY_BACKOFF_BASE * (2 ** max(0, min(attempts - 1, 30)))
    return min(delay, settings.XQUEUE_DELIVERY_BACKOFF_MAX)


def post_seconds() -> float:
    """Longest one POST may take (connect + read timeouts) plus a margin to record its outcome."""
    return settings.XQUEUE_LMS_TIMEOUT * 2 + 5


def callback_hosts() -> list[str]:
    """Hosts results may be posted to: XQUEUE_CALLBACK_ALLOWED_HOSTS, else the host of LMS_ROOT_URL."""
    configured = [host for host in settings.XQUEUE_CALLBACK_ALLOWED_HOSTS if host]
    return configured or [host for host in [outgoing_urls.host_of(settings.LMS_ROOT_URL)] if host]


def post(claim: ClaimedResult) -> str:
    """POST a claimed result to its allow-listed LMS host, never following a redirect; "" or the error."""
    return lms_client.post_result(url=claim.url, header=claim.header, reply=claim.reply, allowed_hosts=callback_hosts())


def record_delivered(claims: list[ClaimedResult]) -> int:
    """Mark claimed results delivered (one UPDATE per attempt count, normally one); returns how many."""
    done, marked = timezone.now(), 0
    for attempts in {claim.attempts for claim in claims}:
        ids = [claim.submission_id for claim in claims if claim.attempts == attempts]
        marked += Submission.objects.filter(pk__in=ids, delivery_attempts=attempts).update(
            delivery_state=DeliveryState.DELIVERED, delivered_at=done, delivery_due_at=None, delivery_error=""
        )
    return marked


def record_failure(claim: ClaimedResult, error: str) -> DeliveryOutcome:
    """Schedule the next attempt with backoff, or give up on a result older than XQUEUE_DELIVERY_MAX_AGE."""
    log.warning("xqueue: delivery of submission %s failed (attempt %s): %s", claim.submission_id, claim.attempts, error)
    done = timezone.now()
    ours = Submission.objects.filter(pk=claim.submission_id, delivery_attempts=claim.attempts)
    if claim.finished_at and done - claim.finished_at > timedelta(seconds=settings.XQUEUE_DELIVERY_MAX_AGE):
        ours.update(delivery_state=DeliveryState.GAVE_UP, delivery_due_at=None, delivery_error=error)
        return DeliveryOutcome(delivered=False, attempts=claim.attempts)
    retry_at = done + timedelta(seconds=backoff_seconds(claim.attempts))
    ours.update(delivery_due_at=retry_at, delivery_error=error)
    return DeliveryOutcome(delivered=False, attempts=claim.attempts, retry_at=retry_at)


def release(claims: list[ClaimedResult]) -> None:
    """Give back claims never posted (their lease would have run out first): due again, attempt not counted."""
    now = timezone.now()
    for claim in claims:
        Submission.objects.filter(
            pk=claim.submission_id, delivery_state=DeliveryState.PENDING, delivery_attempts=claim.attempts
        ).update(delivery_due_at=now, delivery_attempts=F("delivery_attempts") - 1)


def deliver_result(*, submission_id: int, expected_attempts: int) -> DeliveryOutcome | None:
    """Make one delivery attempt if it is due and still the `expected_attempts`-th; None if not ours to make.

    The claim is a compare-and-set on the attempt counter, so duplicate tasks never deliver twice; the lease
    (due time pushed past the request timeout) keeps drains and the sweeper away while the POST is in flight.
    """
    now = timezone.now()
    claimed = Submission.objects.filter(
        pk=submission_id,
        delivery_state=DeliveryState.PENDING,
        delivery_due_at__lte=now,
        delivery_attempts=expected_attempts,
    ).update(delivery_due_at=now + timedelta(seconds=post_seconds()), delivery_attempts=F("delivery_attempts") + 1)
    if not claimed:
        return None
    url, header, reply, finished_at = Submission.objects.values_list(
        "lms_callback_url", "lms_header", "grader_reply", "finished_at"
    ).get(pk=submission_id)
    claim = ClaimedResult(submission_id, expected_attempts + 1, url, header, reply, finished_at)
    error = post(claim)
    if not error:
        record_delivered([claim])
        return DeliveryOutcome(delivered=True, attempts=claim.attempts)
    return record_failure(claim, error)
