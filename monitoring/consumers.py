"""WebSocket consumers: the learner's session socket and the proctor dashboard socket (docs/monitoring.md).

Both accept first, then check Origin and the single-use ticket, so refusals are application close codes
(4401 re-authenticate, 4403 forbidden, 4409 session ended) that browsers can tell apart from network errors.
"""

import asyncio
import functools
import json
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import parse_qs, urlsplit

from asgiref.sync import sync_to_async
from channels.consumer import get_handler_name
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connections

from exams.api import User, exceptions, is_course_staff
from exams_service.db_retry import retry_database_errors
from exams_service.security.inputs import InputError, read_int
from monitoring import fanout, presence, receipts, role_recheck, selectors, services, tickets
from monitoring.db_errors import report_database_error
from monitoring.messages import DASHBOARD_MESSAGES, LEARNER_MESSAGES, MessageError, parse_message
from monitoring.models import OFFLINE, ONLINE
from monitoring.tickets import FORBIDDEN, SESSION_ENDED, TicketError


def db(function):
    """Consumer DB calls. Channels runs them on one thread per process; with a connection pool
    (DATABASE_POOL) they run in parallel on their own threads, each returning its connection to the pool."""
    function = retry_database_errors(function)  # deadlocks and lost connections (exams_service/db_retry.py)
    pool = settings.DATABASES["default"].get("OPTIONS", {}).get("pool")
    if not pool:
        return database_sync_to_async(function)

    def pooled(*args, **kwargs):
        try:
            return function(*args, **kwargs)
        finally:
            connections.close_all()

    size = pool.get("max_size", 10) if isinstance(pool, dict) else 10
    return sync_to_async(pooled, thread_sensitive=False, executor=_db_executor(size))


@functools.cache
def _db_executor(size: int) -> ThreadPoolExecutor:
    """DB work gets its own threads (as many as pooled connections) so it never delays heartbeats."""
    return ThreadPoolExecutor(max_workers=size, thread_name_prefix="monitoring-db")


# Application codes: daphne refuses 1003/1008/1009 from an application (only 1000 and 3000-4999 may be sent).
POLICY_VIOLATION, TOO_BIG, UNSUPPORTED = 4008, 4009, 4003


class TokenBucket:
    """`rate` messages per second with bursts of `burst`."""

    def __init__(self, rate: float, burst: int, clock=time.monotonic):
        self.rate, self.burst, self.clock = rate, burst, clock
        self.tokens, self.stamp = float(burst), clock()

    def take(self) -> bool:
        now = self.clock()
        self.tokens = min(self.burst, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        if self.tokens >= 1:
            self.tokens -= 1
            return True
        return False


def origin_allowed(scope) -> bool:
    """No Origin (non-browser client), a listed origin, or the page's own host."""
    headers = dict(scope.get("headers", []))
    origin = headers.get(b"origin", b"").decode("latin-1")
    if not origin:
        return True
    allowed = settings.MONITORING_ALLOWED_ORIGINS
    if "*" in allowed or origin.rstrip("/") in [item.rstrip("/") for item in allowed]:
        return True
    return urlsplit(origin).netloc == headers.get(b"host", b"").decode("latin-1")


class TicketConsumer(AsyncWebsocketConsumer):
    ticket_kind = ""
    message_shapes: dict = {}
    closing = False

    async def dispatch(self, message):
        """Channels' dispatch minus its per-message hop to the thread-sensitive thread (close_old_connections):
        every DB call here goes through `db()`, which manages connections itself."""
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        try:
            await handler(message)
        except DatabaseError as error:  # after the retries in db(): never close the socket over it
            await report_database_error(self, message, error)

    async def connect(self):
        self.authorized = False
        self.bucket = TokenBucket(settings.MONITORING_RATE_PER_SECOND, settings.MONITORING_RATE_BURST)
        self.drops = 0
        await self.accept()
        if not origin_allowed(self.scope):
            return await self.refuse(FORBIDDEN, "Origin not allowed.")
        try:
            query = parse_qs(self.scope.get("query_string", b"").decode("latin-1"))
            self.query = {key: values[-1] for key, values in query.items()}
            ticket = await tickets.redeem(self.query.get("ticket"), kind=self.ticket_kind, target=self.target())
            await self.authorize(ticket)
        except TicketError as error:
            return await self.refuse(error.code, error.detail)
        self.authorized = True
        await self.start()

    async def refuse(self, code: int, detail: str) -> None:
        await self.send_message("error", {"code": code, "detail": detail})
        await self.close(code=code, reason=detail[:120])

    async def close(self, code=None, reason=None):
        """Once: frames already in flight after a close must not make the server see a second one."""
        if not self.closing:
            self.closing = True
            await super().close(code=code, reason=reason)

    async def send_message(self, type_: str, data: dict, **extra) -> None:
        if self.closing:
            return
        await self.send(text_data=json.dumps({"v": 1, "type": type_, **extra, "data": data}, separators=(",", ":")))

    async def receive(self, text_data=None, bytes_data=None):
        if not self.authorized or self.closing:
            return
        if text_data is None:
            return await self.close(code=UNSUPPORTED, reason="Text frames only.")
        if len(text_data) > settings.MONITORING_MAX_FRAME_BYTES:
            return await self.close(code=TOO_BIG, reason="Message too big.")
        if not self.bucket.take():
            self.drops += 1
            if self.drops > settings.MONITORING_RATE_MAX_DROPS:
                return await self.close(code=POLICY_VIOLATION, reason="Too many messages.")
            return await self.send_message("error", {"code": "rate_limited", "detail": "Slow down: message dropped."})
        try:
            type_, data = parse_message(text_data, self.message_shapes)
        except MessageError as error:
            return await self.send_message("error", {"code": "bad_message", "detail": str(error)})
        await getattr(self, f"on_{type_}")(data)


class LearnerSessionConsumer(TicketConsumer):
    """`/ws/v1/proctoring/sessions/<session_id>/`: hello, heartbeats, anomalies in; welcome, acks, commands out."""

    ticket_kind = tickets.SESSION
    message_shapes = LEARNER_MESSAGES

    def target(self) -> str:
        return str(self.scope["url_route"]["kwargs"]["session_id"])

    async def authorize(self, ticket) -> None:
        self.session_id = self.target()
        self.ended = False
        state = await db(selectors.session_state)(self.session_id)
        if state is None or state["user_id"] != ticket.user_id:
            raise TicketError(FORBIDDEN, "Not your session.")
        if not state["running"]:
            raise TicketError(SESSION_ENDED, "The attempt is not in progress.")
        self.exam_id = state["exam_id"]
        self.paused = state["attempt__paused_at"] is not None

    async def start(self) -> None:
        await self.channel_layer.group_add(fanout.session_group(self.session_id), self.channel_name)
        await presence.cache_call(cache.set, f"mon:conn:{self.session_id}", self.channel_name, timeout=86400)
        presence.ensure_inprocess_sweeper()
        await presence.beat(self.session_id)
        await self.change_presence(ONLINE)

    async def change_presence(self, state: str, only_from: str | None = None) -> None:
        event = await db(services.set_presence)(session_id=self.session_id, state=state, only_from=only_from)
        self.presence = state
        if event is not None:
            await fanout.to_exam(self.exam_id, selectors.envelope(event))

    async def disconnect(self, code):
        if not getattr(self, "authorized", False):
            return
        await self.channel_layer.group_discard(fanout.session_group(self.session_id), self.channel_name)
        latest = await presence.cache_call(cache.get, f"mon:conn:{self.session_id}")
        if latest == self.channel_name:  # a newer socket of the same session stays online
            await self.change_presence(OFFLINE)  # a closed socket is offline now, not at the next sweep

    async def on_hello(self, data) -> None:
        resume = await db(selectors.resume_point)(self.session_id)
        welcome = {
            "heartbeat_interval_s": settings.MONITORING_HEARTBEAT_INTERVAL_SECONDS,
            "server_time": int(time.time() * 1000),
            "resume_from": resume,
            "paused": self.paused,
        }
        await self.send_message("welcome", welcome, sid=self.session_id)

    async def on_heartbeat(self, data) -> None:
        await presence.heartbeat(self.session_id)
        if self.presence != ONLINE:
            await self.change_presence(ONLINE)
        await self.send_message("heartbeat_ack", {"server_time": int(time.time() * 1000), "echo": data.get("ts")})

    async def on_anomaly(self, data) -> None:
        try:
            anomaly = services.validate_anomaly(data)
        except ValueError as error:
            return await self.send_message("error", {"code": "bad_anomaly", "detail": str(error)})
        event, created = await db(services.record_anomaly)(
            session_id=self.session_id, exam_id=self.exam_id, anomaly=anomaly
        )
        ack = {"client_seq": anomaly["client_seq"], "server_seq": event.seq, "duplicate": not created}
        await self.send_message("ack", ack)
        if created:
            await fanout.to_exam(self.exam_id, selectors.envelope(event))

    async def on_ack(self, data) -> None:
        """`ack {"seq"}`: the client acted on the command sent with that seq (clients that never ack still work)."""
        await receipts.acknowledged(self, data)

    async def session_command(self, message) -> None:
        self.paused = {"pause": True, "resume": False}.get(message["action"], self.paused)
        await self.send_message("command", {"action": message["action"], **message.get("data", {})}, seq=message["seq"])
        await receipts.delivered(self, message)

    async def session_presence(self, message) -> None:
        self.presence = message["state"]

    async def session_ended(self, message) -> None:
        self.ended = True
        await self.send_message("ended", {"status": message["status"], "reason": message["reason"]})
        await self.close(code=SESSION_ENDED, reason="The attempt has ended.")


class ExamDashboardConsumer(TicketConsumer):
    """`/ws/v1/proctoring/monitor/exams/<exam_id>/`: snapshot (or replay after `?after=`), then live events."""

    ticket_kind = tickets.EXAM
    message_shapes = DASHBOARD_MESSAGES

    def target(self) -> str:
        return str(self.scope["url_route"]["kwargs"]["exam_id"])

    async def authorize(self, ticket) -> None:
        self.exam_id = int(self.target())
        self.user = await db(User.objects.filter(pk=ticket.user_id, is_active=True).first)()
        course_id = await db(selectors.exam_course_id)(self.exam_id)
        if self.user is None or course_id is None or not await db(is_course_staff)(self.user, course_id):
            raise TicketError(FORBIDDEN, "Only course staff may watch this exam.")
        self.last_seq = 0
        self.ahead: set[int] = set()  # seqs sent before a lower one arrived
        self.flush_scheduled = False

    async def start(self) -> None:
        await self.channel_layer.group_add(fanout.exam_group(self.exam_id), self.channel_name)
        try:
            after = read_int(self.query.get("after"), name="after")
        except InputError:  # absent or not a sequence number: start from a snapshot
            return await self.on_sync({})
        await self.on_resume({"after": after})

    async def disconnect(self, code):
        self.closing = True  # no more flushes for this socket
        if getattr(self, "authorized", False):
            await self.channel_layer.group_discard(fanout.exam_group(self.exam_id), self.channel_name)

    async def on_sync(self, data) -> None:
        snapshot = await db(selectors.snapshot)(self.exam_id)
        self.last_seq = snapshot["seq"]
        await self.send(text_data=json.dumps(snapshot, separators=(",", ":")))
        self.advance()

    async def on_resume(self, data) -> None:
        after = data.get("after")
        if isinstance(after, bool) or not isinstance(after, int) or after < 0:
            return await self.send_message("error", {"code": "bad_message", "detail": "after must be an integer."})
        if after > await db(selectors.last_seq)(self.exam_id):
            return await self.on_sync({})  # the client is ahead of the log (e.g. a restored database)
        self.last_seq = after
        await self.replay_until(None)
        await self.send_message("resumed", {}, seq=self.last_seq)

    async def replay_until(self, upto: int | None) -> None:
        """Send logged events after `last_seq` (up to `upto`); a gap too large for replay → `gap` + snapshot."""
        limit = settings.MONITORING_REPLAY_LIMIT
        events = await db(selectors.events_after)(self.exam_id, self.last_seq, limit + 1, upto=upto)
        if len(events) > limit:
            await self.send_message("gap", {"after": self.last_seq})
            return await self.on_sync({})
        for event in events:
            if event["seq"] not in self.ahead:
                await self.send(text_data=json.dumps(event, separators=(",", ":")))
            self.last_seq = event["seq"]
        self.advance()

    def advance(self) -> None:
        """`last_seq` = the highest seq up to which everything was sent."""
        while self.last_seq + 1 in self.ahead:
            self.last_seq += 1
        self.ahead = {seq for seq in self.ahead if seq > self.last_seq}

    async def monitor_event(self, message) -> None:
        """Live events are sent as they come (across processes they may arrive out of seq order; clients order
        by seq). A hole that is still open after MONITORING_REORDER_WAIT_MS (a channel at capacity drops
        messages silently) is filled from the log."""
        seq = message["seq"]
        if seq <= self.last_seq or seq in self.ahead:
            return
        await self.send(text_data=message["text"])
        self.ahead.add(seq)
        self.advance()
        if self.ahead and not self.flush_scheduled:
            self.flush_scheduled = True
            asyncio.get_running_loop().call_later(settings.MONITORING_REORDER_WAIT_MS / 1000, self.request_flush)

    async def monitor_events(self, message) -> None:
        """A batch of live events (the presence sweep): each handled as if it came alone."""
        for seq, text in message["events"]:
            await self.monitor_event({"seq": seq, "text": text})

    def request_flush(self) -> None:
        asyncio.ensure_future(self.send_flush())

    async def send_flush(self) -> None:
        """Through the layer, so the flush runs between this consumer's messages; if the layer is down, try
        again later (a flush that never arrives would leave `flush_scheduled` set and holes open for good)."""
        try:
            await self.channel_layer.send(self.channel_name, {"type": "monitor.flush"})
        except Exception:  # noqa: BLE001 - whatever the layer's backend raises while Redis is away
            if not self.closing:
                wait = settings.MONITORING_REORDER_WAIT_MS / 1000
                asyncio.get_running_loop().call_later(wait, self.request_flush)

    async def monitor_flush(self, message) -> None:
        self.flush_scheduled = False
        if self.ahead:
            await self.replay_until(max(self.ahead))

    async def on_command(self, data) -> None:
        action, session_id = data.get("action"), data.get("session_id")
        result = {"session_id": session_id, "action": action}
        if not await db(role_recheck.still_course_staff)(self.user, self.exam_id):
            result.update(ok=False, detail=role_recheck.REVOKED_DETAIL)
            return await self.send_message("command_result", result)
        try:
            outcome = await db(services.proctor_command)(
                exam_id=self.exam_id,
                session_id=uuid.UUID(str(session_id)),
                action=str(action),
                message=str(data.get("message") or ""),
                user=self.user,
                reason=str(data.get("reason") or ""),
            )
            result.update(outcome, ok=True)
        except exceptions.ExamsError as error:
            result.update(ok=False, detail=error.detail)
        except ValueError:
            result.update(ok=False, detail="session_id must be a UUID.")
        await self.send_message("command_result", result)

    async def on_ping(self, data) -> None:
        await self.send_message("pong", {"server_time": int(time.time() * 1000)}, seq=self.last_seq)
