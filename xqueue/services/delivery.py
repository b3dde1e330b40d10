"""One delivery attempt of a result (or failure notice) to the LMS callback, and the backoff between attempts."""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

import requests
from django.conf import settings
from django.db.models import F
from django.utils import timezone

from exams_service.security import outgoing_urls
from xqueue.models import DeliveryState, Submission

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class DeliveryOutcome:
    delivered: bool
    attempts: int = 0
    retry_at: datetime | None = None

    def retry_countdown(self) -> float:
        """Seconds until the retry is due, plus a margin so the retry's claim finds it due."""
        return max(0.0, (self.retry_at - timezone.now()).total_seconds()) + 0.5


def due_now(now: datetime) -> dict:
    """Update fields that make a result (or failure notice) recorded at `now` due for its first delivery."""
    return {"delivery_state": DeliveryState.PENDING, "delivery_due_at": now, "delivery_attempts": 0}


def backoff_seconds(attempts: int) -> float:
    """Delay before the next attempt after `attempts` failures: base * 2^(n-1), capped."""
    delay = settings.XQUEUE_DELIVERY_BACKOFF_BASE * (2 ** max(0, min(attempts - 1, 30)))
    return min(delay, settings.XQUEUE_DELIVERY_BACKOFF_MAX)


def callback_hosts() -> list[str]:
    """Hosts results may be posted to: XQUEUE_CALLBACK_ALLOWED_HOSTS, else the host of LMS_ROOT_URL."""
    configured = [host for host in settings.XQUEUE_CALLBACK_ALLOWED_HOSTS if host]
    return configured or [host for host in [outgoing_urls.host_of(settings.LMS_ROOT_URL)] if host]


def _post_to_lms(*, url: str, header: str, reply: str) -> str:
    """POST the result the way the legacy XQueue did, only to an allowed LMS host and never following a
    redirect (so the Basic credentials go nowhere else); returns "" on success or the error."""
    auth = tuple(settings.XQUEUE_LMS_BASIC_AUTH[:2]) if len(settings.XQUEUE_LMS_BASIC_AUTH) >= 2 else None
    try:
        response = outgoing_urls.request(
            "POST",
            url,
            allowed_hosts=callback_hosts(),
            data={"xqueue_header": header, "xqueue_body": reply},
            timeout=settings.XQUEUE_LMS_TIMEOUT,
            auth=auth,
        )
    except outgoing_urls.OutgoingUrlRefused as exc:
        return f"Callback refused: {exc}"[:1000]
    except (requests.RequestException, ValueError) as exc:
        return f"{type(exc).__name__}: {exc}"[:1000]
    if response.status_code != 200:
        return f"LMS answered HTTP {response.status_code}"
    return ""


def deliver_result(*, submission_id: int, expected_attempts: int) -> DeliveryOutcome | None:
    """Make one delivery attempt if it is due and still the `expected_attempts`-th; None if not ours to make.

    The claim is a compare-and-set on the attempt counter, so duplicate tasks never deliver twice; the lease
    (due time pushed past the request timeout) keeps the sweeper away while the POST is in flight.
    """
    now = timezone.now()
    lease = now + timedelta(seconds=settings.XQUEUE_LMS_TIMEOUT * 2 + 5)
    claimed = Submission.objects.filter(
        pk=submission_id,
        delivery_state=DeliveryState.PENDING,
        delivery_due_at__lte=now,
        delivery_attempts=expected_attempts,
    ).update(delivery_due_at=lease, delivery_attempts=F("delivery_attempts") + 1)
    if not claimed:
        return None
    url, header, reply, finished_at = Submission.objects.values_list(
        "lms_callback_url", "lms_header", "grader_reply", "finished_at"
    ).get(pk=submission_id)
    error = _post_to_lms(url=url, header=header, reply=reply)
    attempts = expected_attempts + 1
    done = timezone.now()
    if not error:
        Submission.objects.filter(pk=submission_id).update(
            delivery_state=DeliveryState.DELIVERED, delivered_at=done, delivery_due_at=None, delivery_error=""
        )
        return DeliveryOutcome(delivered=True, attempts=attempts)
    log.warning("xqueue: delivery of submission %s failed (attempt %s): %s", submission_id, attempts, error)
    if finished_at and done - finished_at > timedelta(seconds=settings.XQUEUE_DELIVERY_MAX_AGE):
        Submission.objects.filter(pk=submission_id).update(
            delivery_state=DeliveryState.GAVE_UP, delivery_due_at=None, delivery_error=error
        )
        return DeliveryOutcome(delivered=False, attempts=attempts)
    retry_at = done + timedelta(seconds=backoff_seconds(attempts))
    Submission.objects.filter(pk=submission_id).update(delivery_due_at=retry_at, delivery_error=error)
    return DeliveryOutcome(delivered=False, attempts=attempts, retry_at=retry_at)
