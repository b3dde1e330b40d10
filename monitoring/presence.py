"""Presence from heartbeats: the last beat lives in the cache (Redis in production), transitions in the DB.

A heartbeat is one cache write. The sweep (Celery beat, or an in-process loop in the embedded default)
turns silence into `stale` then `offline` (flagging the session, never failing the attempt) and closes
sockets whose attempt has ended.
"""

import asyncio
import logging
import time
import weakref
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

from asgiref.sync import sync_to_async
from channels.db import database_sync_to_async
from django.conf import settings
from django.core.cache import cache

from exams.api import statuses
from monitoring import bridge, fanout, selectors, sequencer, services
from monitoring.models import OFFLINE, ONLINE, STALE, ProctoringSession

log = logging.getLogger(__name__)


ENDED = "ended"  # the sweep's count of sessions whose attempt ended (they go offline)
SWEEP_FANOUT_BATCH = 100  # presence events per dashboard message; the first ones need not wait for the last
_CACHE_THREADS = ThreadPoolExecutor(max_workers=8, thread_name_prefix="monitoring-cache")


async def cache_call(method, *args, **kwargs):
    """A cache call on the thread pool: Django's `acache` methods all queue on the one thread-sensitive thread,
    which every socket of the process shares (the heartbeat path must not wait behind DB work)."""
    return await sync_to_async(method, thread_sensitive=False, executor=_CACHE_THREADS)(*args, **kwargs)


def heartbeat_key(session_id) -> str:
    return f"mon:hb:{session_id}"


async def beat(session_id, now: float | None = None) -> None:
    """Record a heartbeat now (a socket's first, and tests)."""
    timeout = settings.MONITORING_OFFLINE_AFTER_SECONDS * 4
    await cache_call(cache.set, heartbeat_key(session_id), now if now is not None else time.time(), timeout=timeout)


class BeatBuffer:
    """The latest heartbeat of each of this event loop's sockets, written in one `set_many` per
    MONITORING_HEARTBEAT_FLUSH_SECONDS: thousands of sockets cost a cache write a second, not one per beat
    (presence thresholds are tens of seconds, so a beat a second late changes nothing)."""

    def __init__(self):
        self.pending: dict[str, float] = {}
        self.flushing: asyncio.Task | None = None

    def note(self, session_id, now: float) -> None:
        self.pending[heartbeat_key(session_id)] = now
        if self.flushing is None or self.flushing.done():
            self.flushing = asyncio.get_running_loop().create_task(self.flush_later())

    async def flush_later(self) -> None:
        await asyncio.sleep(settings.MONITORING_HEARTBEAT_FLUSH_SECONDS)
        await self.flush()

    async def flush(self) -> None:
        pending, self.pending = self.pending, {}
        if pending:
            try:  # no per-key expiry: on Redis that is one MSET instead of an EXPIRE per key (the sweep deletes)
                await cache_call(cache.set_many, pending, timeout=None)
            except Exception:  # noqa: BLE001 - the next beats are written again; the sweep tolerates a gap
                log.exception("Writing %s heartbeats failed", len(pending))


_buffers: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, BeatBuffer]" = weakref.WeakKeyDictionary()


def beat_buffer() -> BeatBuffer:
    loop = asyncio.get_running_loop()
    buffer = _buffers.get(loop)
    if buffer is None:
        buffer = _buffers[loop] = BeatBuffer()
    return buffer


async def heartbeat(session_id) -> None:
    """A socket's heartbeat: buffered (see BeatBuffer), or written at once when the flush interval is 0."""
    if settings.MONITORING_HEARTBEAT_FLUSH_SECONDS <= 0:
        return await beat(session_id)
    beat_buffer().note(session_id, time.time())


def state_for_silence(seconds: float) -> str:
    if seconds >= settings.MONITORING_OFFLINE_AFTER_SECONDS:
        return OFFLINE
    if seconds >= settings.MONITORING_STALE_AFTER_SECONDS:
        return STALE
    return ONLINE


class PresenceBatch:
    """The sweep's presence events, sent every SWEEP_FANOUT_BATCH changes: one group message per exam for the
    dashboards (instead of one per session), then each learner's socket (so its next heartbeat can flip it back
    to online)."""

    def __init__(self):
        self.events = []
        self.added = 0

    def add(self, event, tell_session: bool = True) -> None:
        if event is not None:
            self.added += 1
            self.events.append((event, tell_session))
            if len(self.events) >= SWEEP_FANOUT_BATCH:
                self.send()

    def send(self) -> None:
        by_exam: dict[int, list[dict]] = {}
        for event, _ in self.events:
            by_exam.setdefault(event.exam_id, []).append(selectors.envelope(event))
        for exam_id, envelopes in by_exam.items():
            fanout.to_exam_many_sync(exam_id, envelopes)
        for event, tell_session in self.events:
            if tell_session:
                fanout.to_session_sync(event.session_id, "session.presence", state=event.kind)
        self.events = []


def sweep(now: float | None = None) -> dict:
    """One pass over sessions not yet offline. `now` (epoch seconds) makes the clock controllable."""
    now = now if now is not None else time.time()
    counts = {"stale": 0, "offline": 0, "ended": 0}
    silent: list[str] = []
    sessions = list(
        ProctoringSession.objects.exclude(presence=OFFLINE)
        .select_related("attempt")
        .only("id", "exam_id", "presence", "presence_changed", "attempt__status", "attempt__reset_at")
    )
    beats = cache.get_many([heartbeat_key(session.pk) for session in sessions])
    changes: dict[tuple[int, str], list] = {}  # (exam, target) → session ids, written in one transaction each
    for session in sessions:
        running = session.attempt.status in statuses.IN_PROGRESS and session.attempt.reset_at is None
        if not running:
            fanout.to_session_sync(session.pk, "session.ended", status=session.attempt.status, reason="ended")
            changes.setdefault((session.exam_id, ENDED), []).append(session.pk)
            silent.append(heartbeat_key(session.pk))
            continue
        last = beats.get(heartbeat_key(session.pk), session.presence_changed.timestamp())
        target = state_for_silence(now - last)
        if target == ONLINE or target == session.presence:
            continue
        changes.setdefault((session.exam_id, target), []).append(session.pk)
        if target == OFFLINE:
            silent.append(heartbeat_key(session.pk))
    batch = PresenceBatch()
    for (exam_id, target), session_ids in changes.items():
        state, flag = (OFFLINE, False) if target == ENDED else (target, target == OFFLINE)
        for start in range(0, len(session_ids), SWEEP_FANOUT_BATCH):
            chunk = session_ids[start : start + SWEEP_FANOUT_BATCH]
            events = services.set_presence_many(
                exam_id=exam_id, session_ids=chunk, state=state, now=_dt(now), flag=flag
            )
            counts[target] += len(events)
            for event in events:
                batch.add(event)
    batch.send()
    if silent:
        cache.delete_many(silent)  # batched beats are written without expiry; a new beat writes the key again
    counts["flagged"] = flag_closed_and_away(now)
    counts["numbered"] = number_leftovers()
    return counts


def number_leftovers() -> int:
    """Number status events a crashed or busy writer left unnumbered, and send them (monitoring/sequencer.py)."""
    numbered = 0
    for exam_id in sequencer.exams_with_pending():
        numbered += len(bridge.number_and_send(exam_id))
    return numbered


def flag_closed_and_away(now: float) -> int:
    """A closed socket turns its session offline at once (unflagged: it may be a reconnect); still offline
    MONITORING_OFFLINE_AFTER_SECONDS later while the attempt runs, it is flagged like lost heartbeats."""
    cutoff = _dt(now - settings.MONITORING_OFFLINE_AFTER_SECONDS)
    away = ProctoringSession.objects.filter(
        presence=OFFLINE,
        flagged=False,
        presence_changed__lte=cutoff,
        attempt__status__in=sorted(statuses.IN_PROGRESS),
        attempt__reset_at__isnull=True,
    ).values_list("pk", flat=True)
    batch = PresenceBatch()
    for session_id in list(away):
        batch.add(services.flag_offline_session(session_id=session_id), tell_session=False)
    batch.send()
    return batch.added


def _dt(epoch: float) -> datetime:
    return datetime.fromtimestamp(epoch, tz=UTC)


_loops: set = set()


def ensure_inprocess_sweeper() -> None:
    """Embedded default (in-memory layer, one process): run the sweep on this event loop, once."""
    if not settings.MONITORING_INPROCESS_SWEEPER:
        return
    loop = asyncio.get_running_loop()
    if loop in _loops:
        return
    _loops.add(loop)
    loop.create_task(_sweep_forever())


async def _sweep_forever() -> None:
    while True:
        await asyncio.sleep(settings.MONITORING_SWEEP_SECONDS)
        try:
            await database_sync_to_async(sweep)()
        except Exception:  # noqa: BLE001 - keep sweeping
            log.exception("Presence sweep failed")
