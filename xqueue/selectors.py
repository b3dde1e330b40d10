"""Read queries of the xqueue app."""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.db.models import Count, Min, Q
from django.urls import reverse
from django.utils import timezone

from exams_service.ttl_cache import TTLCache
from xqueue.constants import FILE_URL_SALT
from xqueue.models import Queue, Submission, SubmissionFile, SubmissionState

_queues: TTLCache[Queue] = TTLCache("XQUEUE_QUEUE_CACHE_SECONDS", max_entries=1000, cache_none=False)


def queue_by_name(name: str) -> Queue | None:
    """The queue called `name`; cached per process for XQUEUE_QUEUE_CACHE_SECONDS (hot path of every poll)."""
    if "\x00" in name:
        return None
    return _queues.get(name, lambda: Queue.objects.filter(name=name).first())


def queue_names() -> list[str]:
    return list(Queue.objects.order_by("name").values_list("name", flat=True))


def queue_length(*, queue: Queue) -> int:
    """Submissions a grader could receive now (in-flight ones excluded), like the legacy get_queuelen."""
    return Submission.objects.filter(queue=queue, state=SubmissionState.PENDING, visible_at__lte=timezone.now()).count()


@dataclass(frozen=True)
class QueueMetrics:
    name: str
    length: int
    in_flight: int
    oldest_age_seconds: float | None


def queue_metrics() -> list[QueueMetrics]:
    """Per queue: waiting submissions, submissions handed out and unanswered, age of the oldest waiting one."""
    now = timezone.now()
    waiting = Q(submissions__state=SubmissionState.PENDING, submissions__visible_at__lte=now)
    in_flight = Q(submissions__state=SubmissionState.PENDING, submissions__visible_at__gt=now)
    rows = Queue.objects.order_by("name").annotate(
        length=Count("submissions", filter=waiting),
        in_flight=Count("submissions", filter=in_flight),
        oldest=Min("submissions__arrival_time", filter=waiting),
    )
    return [
        QueueMetrics(
            name=row.name,
            length=row.length,
            in_flight=row.in_flight,
            oldest_age_seconds=(now - row.oldest).total_seconds() if row.oldest else None,
        )
        for row in rows
    ]


def file_urls(*, submission_id: int, base_url: str) -> dict[str, str]:
    """{file name: absolute signed URL} for a submission's files."""
    signer = signing.TimestampSigner(salt=FILE_URL_SALT)
    files = SubmissionFile.objects.filter(submission_id=submission_id).values_list("id", "name")
    return {name: base_url + reverse("xqueue:file", args=[signer.sign(str(file_id))]) for file_id, name in files}


def file_for_token(token: str) -> SubmissionFile | None:
    """The file a signed URL token points at, or None when the token is forged, malformed or expired."""
    signer = signing.TimestampSigner(salt=FILE_URL_SALT)
    try:
        file_id = int(signer.unsign(token, max_age=timedelta(seconds=settings.XQUEUE_FILE_URL_MAX_AGE)))
    except (signing.BadSignature, ValueError):
        return None
    return SubmissionFile.objects.filter(pk=file_id).first()
