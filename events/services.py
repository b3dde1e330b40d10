"""The event outbox: record in the attempt's transaction, publish after commit, retry with backoff, replay."""

import datetime as dt
import logging
import uuid
from collections.abc import Iterable

import attr
from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from openedx_events.event_bus.avro.serializer import serialize_event_data_to_bytes
from openedx_events.tooling import OpenEdxPublicSignal

from events import bus
from events.models import OutboxEvent
from events.payloads import attempt_json, exam_attempt_data, signal_for

log = logging.getLogger(__name__)


def retry_delay(tries: int) -> dt.timedelta:
    """Exponential backoff: base, 2×base, 4×base, … capped."""
    base = settings.EVENTS_OUTBOX_RETRY_BASE_SECONDS
    seconds = min(settings.EVENTS_OUTBOX_RETRY_MAX_SECONDS, base * 2 ** max(tries - 1, 0))
    return dt.timedelta(seconds=seconds)


def record_attempt_event(
    *, signal: OpenEdxPublicSignal, attempt, requesting_user, occurred_at: dt.datetime
) -> OutboxEvent:
    """Write the event row in the caller's transaction; publishing is kicked once that commits."""
    event = OutboxEvent.objects.create(
        event_type=signal.event_type,
        payload=attempt_json(attempt, requesting_user),
        occurred_at=occurred_at,
        attempt_id=attempt.pk,
    )
    transaction.on_commit(lambda: kick(event.pk))
    return event


def kick(event_id: uuid.UUID) -> None:
    """Queue the publish task; if the broker is down the periodic sweep publishes the row later."""
    from events.tasks import publish_event

    try:
        publish_event.apply_async((str(event_id),), retry=False)
    except Exception:  # noqa: BLE001 - the row is safe in the database
        log.warning("Could not queue publishing of event %s; the outbox sweep will publish it", event_id)


def _claim(event_id: uuid.UUID) -> bool:
    """Take the row for EVENTS_OUTBOX_CLAIM_SECONDS so the kick and the sweep never publish it at the same time.

    A publisher that dies mid-publish (SIGKILL, OOM) leaves the row to the sweep once the claim runs out.
    """
    now = timezone.now()
    due = OutboxEvent.objects.filter(pk=event_id, status=OutboxEvent.Status.PENDING, next_try_at__lte=now)
    claim = dt.timedelta(seconds=settings.EVENTS_OUTBOX_CLAIM_SECONDS)
    return due.update(next_try_at=now + claim) == 1


def _metadata(event: OutboxEvent, signal: OpenEdxPublicSignal):
    metadata = signal.generate_signal_metadata(time=event.occurred_at.astimezone(dt.UTC))
    return attr.evolve(metadata, id=event.pk)


def _mark(event: OutboxEvent, **fields) -> None:
    OutboxEvent.objects.filter(pk=event.pk).update(**fields)


def publish_event(*, event_id: uuid.UUID) -> bool:
    """Publish one pending row: bus (if configured), then in-process receivers; True when sent now.

    Raises bus.DeliveryError after recording the failure and the time of the next try.
    """
    if not _claim(event_id):
        return False
    event = OutboxEvent.objects.get(pk=event_id)
    signal = signal_for(event.event_type)
    event_data = {"exam_attempt": exam_attempt_data(event.payload)}
    metadata = _metadata(event, signal)
    try:
        serialize_event_data_to_bytes(event_data, signal)
    except Exception as exc:  # noqa: BLE001 - e.g. a learner without an LMS user id: never sendable
        log.error("Event %s (%s) cannot be serialized and is dead: %s", event.pk, event.event_type, exc)
        _mark(event, status=OutboxEvent.Status.DEAD, last_error=f"serialization: {exc}", tries=F("tries") + 1)
        return False
    try:
        bus.deliver(signal=signal, event_data=event_data, metadata=metadata, delivery_key=f"{event.pk}:{event.replays}")
    except bus.DeliveryError as exc:
        tries = event.tries + 1
        _mark(event, tries=tries, last_error=str(exc)[:2000], next_try_at=timezone.now() + retry_delay(tries))
        log.warning("Event %s not delivered (try %s), will retry: %s", event.pk, tries, exc)
        raise
    # from_event_bus=True: the openedx-events bus receiver must not publish it a second time
    signal.send_event_with_custom_metadata(metadata, **event_data)
    _mark(event, status=OutboxEvent.Status.SENT, sent_at=timezone.now(), tries=F("tries") + 1, last_error="")
    return True


def publish_due_events(*, limit: int = 500) -> int:
    """Publish due rows oldest first; stops at the first delivery failure (the bus is down). Returns sent."""
    due = OutboxEvent.objects.filter(status=OutboxEvent.Status.PENDING, next_try_at__lte=timezone.now())
    sent = 0
    for event_id in list(due.order_by("created").values_list("pk", flat=True)[:limit]):
        try:
            sent += int(publish_event(event_id=event_id))
        except bus.DeliveryError:
            break
    return sent


def replay_events(*, event_ids: Iterable[uuid.UUID]) -> int:
    """Operator replay: publish the rows again now, with their original ids (consumers may drop them)."""
    ids = list(event_ids)
    with transaction.atomic():
        count = OutboxEvent.objects.filter(pk__in=ids).update(
            status=OutboxEvent.Status.PENDING,
            next_try_at=timezone.now(),
            sent_at=None,
            last_error="",
            replays=F("replays") + 1,  # a new delivery key: the bus takes the event again
        )
        for event_id in ids:
            transaction.on_commit(lambda event_id=event_id: kick(event_id))
    return count
