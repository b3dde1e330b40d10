"""Channel-layer group names and sends. Failures are logged, never raised into attempt transactions.

Sync callers (WSGI requests, Celery tasks, the sweeper) publish straight from their thread on the Redis pub/sub
layer (`monitoring.direct_publish`: one PUBLISH) while nothing is queued, and otherwise hand their sends to a
per-process publisher: one event loop thread that keeps the Redis layer's connections open and sends in
submission order, so a request pays a queue put instead of a new event loop, thread and Redis connection. The
in-memory layer (dev, tests) lives on the caller's loop, so it is still sent inline with `async_to_sync`.
"""

import asyncio
import atexit
import json
import logging
import os
import threading
from functools import partial

from asgiref.sync import async_to_sync
from channels.layers import InMemoryChannelLayer, get_channel_layer

from monitoring.direct_publish import DirectPublisher

log = logging.getLogger(__name__)

MAX_PENDING = 10_000  # sends queued while Redis is slow; beyond that they are dropped (dashboards resync)


def session_group(session_id) -> str:
    return f"sess.{str(session_id).replace('-', '')}"


def exam_group(exam_id: int) -> str:
    return f"mon.e.{int(exam_id)}"


def exam_message(envelope: dict) -> dict:
    """The channel message of a sequenced event, serialized once for every dashboard that receives it."""
    return {"type": "monitor.event", "seq": envelope["seq"], "text": json.dumps(envelope, separators=(",", ":"))}


async def to_exam(exam_id: int, envelope: dict) -> None:
    """Deliver one sequenced event to every dashboard of the exam (a full channel silently misses it).

    A layer that cannot be reached (Redis down) is logged, not raised: the event is in the log, dashboards fill
    the hole from it, and the learner socket that recorded it must stay open.
    """
    try:
        await get_channel_layer().group_send(exam_group(exam_id), exam_message(envelope))
    except Exception:  # noqa: BLE001 - redis errors, OSError, timeouts: whatever the layer's backend raises
        log.warning(
            "Fan-out of event %s to exam %s failed; dashboards fill it from the log", envelope.get("seq"), exam_id
        )


def exam_batch_message(envelopes: list[dict]) -> dict:
    """Many sequenced events of one exam in one channel message (the sweep's presence changes)."""
    return {"type": "monitor.events", "events": [[m["seq"], m["text"]] for m in map(exam_message, envelopes)]}


async def to_exam_many(exam_id: int, envelopes: list[dict]) -> None:
    """One group send for many events: a sweep turning 500 sessions stale sends one message per exam and
    batch, not 500 (each is a Redis round trip on the publisher's queue and a message per dashboard)."""
    try:
        await get_channel_layer().group_send(exam_group(exam_id), exam_batch_message(envelopes))
    except Exception:  # noqa: BLE001 - as to_exam: the log fills the holes
        log.warning(
            "Fan-out of %s events to exam %s failed; dashboards fill them from the log", len(envelopes), exam_id
        )


async def to_session(session_id, message_type: str, **payload) -> None:
    await get_channel_layer().group_send(session_group(session_id), {"type": message_type, **payload})


class _Publisher:
    """A daemon thread running an event loop that awaits queued sends one after another."""

    def __init__(self):
        self._lock = threading.Lock()
        self._pid = None
        self._loop = None
        self._queue = None
        self._pending = 0  # submitted and not yet attempted
        self._settled = threading.Condition()

    def submit(self, make_send, description: str) -> None:
        loop, queue = self._running()
        with self._settled:
            self._pending += 1
        loop.call_soon_threadsafe(self._enqueue, queue, make_send, description)

    def idle(self) -> bool:
        """Nothing submitted is still waiting to be attempted (a direct send now keeps submission order)."""
        return self._pid != os.getpid() or self._pending == 0

    def flush(self, timeout: float) -> bool:
        """Wait until every submitted send has been attempted (tests, process exit)."""
        with self._settled:
            return self._settled.wait_for(lambda: self._pending == 0, timeout)

    def _attempted(self) -> None:
        with self._settled:
            self._pending -= 1
            if self._pending == 0:
                self._settled.notify_all()

    def _enqueue(self, queue, make_send, description) -> None:
        try:
            queue.put_nowait((make_send, description))
        except asyncio.QueueFull:
            log.error("Fan-out queue full: dropped %s", description)
            self._attempted()

    def _running(self):
        with self._lock:
            if self._pid != os.getpid():  # first use, or a forked child: the parent's thread is not here
                self._pid = os.getpid()
                self._loop = asyncio.new_event_loop()
                self._queue = None
                self._pending = 0
                self._settled = threading.Condition()
                ready = threading.Event()
                thread = threading.Thread(target=self._run, args=(ready,), name="monitoring-fanout", daemon=True)
                thread.start()
                ready.wait()
            return self._loop, self._queue

    def _run(self, ready: threading.Event) -> None:
        asyncio.set_event_loop(self._loop)
        self._queue = asyncio.Queue(maxsize=MAX_PENDING)
        ready.set()
        self._loop.run_until_complete(self._drain())

    async def _drain(self) -> None:
        while True:
            make_send, description = await self._queue.get()
            try:
                await make_send()
            except Exception:  # noqa: BLE001 - dashboards resync from the log; the caller's work is committed
                log.exception("Fan-out of %s failed", description)
            self._attempted()


_publisher = _Publisher()
_direct = DirectPublisher()
atexit.register(_publisher.flush, 2.0)


def flush(timeout: float = 5.0) -> bool:
    return _publisher.flush(timeout)


def _send_from_sync(group: str, message: dict, make_send, description: str) -> None:
    """The in-memory layer inline; else one PUBLISH from this thread (`monitoring.direct_publish`) while nothing
    waits in the publisher thread's queue, and the publisher thread otherwise."""
    try:
        layer = get_channel_layer()
        if isinstance(layer, InMemoryChannelLayer):
            async_to_sync(make_send)()
        elif _publisher.idle() and _direct.publish(layer, group, message):
            return
        else:
            _publisher.submit(make_send, description)
    except Exception:  # noqa: BLE001
        log.exception("Fan-out of %s failed", description)


def layer_in_process() -> bool:
    """The in-memory layer (one process, development): it lives on the caller's event loop, so only the thread
    of the change may send on it (status events are then numbered and sent in the request)."""
    return isinstance(get_channel_layer(), InMemoryChannelLayer)


def to_exam_sync(exam_id: int, envelope: dict) -> None:
    _send_from_sync(
        exam_group(exam_id),
        exam_message(envelope),
        partial(to_exam, exam_id, envelope),
        f"event {envelope.get('seq')} to exam {exam_id}",
    )


def to_exam_many_sync(exam_id: int, envelopes: list[dict]) -> None:
    if envelopes:
        description = f"events {envelopes[0].get('seq')}..{envelopes[-1].get('seq')} to exam {exam_id}"
        _send_from_sync(
            exam_group(exam_id), exam_batch_message(envelopes), partial(to_exam_many, exam_id, envelopes), description
        )


def to_session_sync(session_id, message_type: str, **payload) -> None:
    _send_from_sync(
        session_group(session_id),
        {"type": message_type, **payload},
        partial(to_session, session_id, message_type, **payload),
        f"{message_type} to {session_id}",
    )
