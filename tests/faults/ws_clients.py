"""Proctoring WebSocket clients that behave as docs/monitoring.md tells clients to: a fresh ticket per connection,
reconnect with backoff, learners resend unacknowledged anomalies, dashboards resume after their last seq."""

import asyncio
import json
import time
import urllib.request
from collections import Counter

import websockets


def post_ticket(url: str, token: str) -> dict:
    request = urllib.request.Request(url, method="POST", data=b"{}", headers={"Authorization": token})
    request.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(request, timeout=5) as response:
        return json.loads(response.read())


class Client:
    """Connect loop: ticket over HTTP from one of `ports` (the first that answers), then the socket."""

    def __init__(self, ports: list[int], ticket_path: str, token: str):
        self.ports, self.ticket_path, self.token = list(ports), ticket_path, token
        self.connections = 0  # sockets opened (1 = never reconnected)
        self.closes: list[int | None] = []  # close codes seen
        self.connected = asyncio.Event()
        self.stopping = False

    async def open(self):
        backoff = 0.2
        while True:
            for port in self.ports:
                try:
                    ticket = await asyncio.to_thread(
                        post_ticket, f"http://127.0.0.1:{port}{self.ticket_path}", self.token
                    )
                    url = f"ws://127.0.0.1:{port}{ticket['ws_path']}?ticket={ticket['ticket']}{self.query()}"
                    socket = await websockets.connect(url, open_timeout=5, close_timeout=2)
                    self.connections += 1
                    return socket
                except (TimeoutError, OSError, websockets.WebSocketException):
                    continue
            await asyncio.sleep(backoff)
            backoff = min(backoff * 2, 2.0)

    def query(self) -> str:
        return ""

    async def run(self):
        while not self.stopping:
            socket = await self.open()
            try:
                await self.started(socket)
                self.connected.set()
                async for raw in socket:
                    await self.received(socket, json.loads(raw))
                self.closes.append(socket.close_code)
            except (TimeoutError, OSError, websockets.WebSocketException) as error:
                self.closes.append(getattr(socket, "close_code", None) or type(error).__name__)
            finally:
                self.connected.clear()
                self.socket = None
            await asyncio.sleep(0.2)

    async def started(self, socket):
        self.socket = socket

    async def received(self, socket, message: dict):
        pass


class Learner(Client):
    """Sends an anomaly every `every` seconds and a heartbeat every 2 s; keeps anomalies until acknowledged."""

    RESEND_AFTER = 3.0

    def __init__(self, ports, session_id: str, token: str):
        super().__init__(ports, f"/api/v1/proctoring/sessions/{session_id}/ws_ticket", token)
        self.session_id = session_id
        self.socket = None
        self.next_client_seq = 1
        self.unacked: dict[int, float] = {}  # client_seq → when last sent
        self.acked: dict[int, int] = {}  # client_seq → server_seq
        self.duplicate_acks = 0

    async def started(self, socket):
        await socket.send(json.dumps({"type": "hello", "data": {"client_id": self.session_id}}))
        while True:
            message = json.loads(await asyncio.wait_for(socket.recv(), 10))
            if message["type"] == "welcome":
                break
        resume = message["data"]["resume_from"]["client_seq"]
        for client_seq in [seq for seq in self.unacked if seq <= resume]:  # stored; only the ack was lost
            self.unacked.pop(client_seq)
            self.acked.setdefault(client_seq, 0)
        self.socket = socket
        for client_seq in sorted(self.unacked):
            await self.send_anomaly(client_seq)

    async def send_anomaly(self, client_seq: int):
        self.unacked[client_seq] = time.monotonic()
        data = {"kind": "face_absent", "severity": 0.5, "client_seq": client_seq}
        if self.socket is not None:
            try:
                await self.socket.send(json.dumps({"type": "anomaly", "data": data}))
            except websockets.WebSocketException:
                pass  # resent after the reconnect

    async def received(self, socket, message: dict):
        if message["type"] == "ack":
            client_seq = message["data"]["client_seq"]
            self.unacked.pop(client_seq, None)
            self.acked[client_seq] = message["data"]["server_seq"]
            self.duplicate_acks += message["data"]["duplicate"]

    async def traffic(self, until: asyncio.Event, every: float = 1.0):
        last_heartbeat = 0.0
        while not until.is_set():
            await self.send_anomaly(self.next_client_seq)
            self.next_client_seq += 1
            now = time.monotonic()
            for client_seq, sent in sorted(self.unacked.items()):
                if now - sent > self.RESEND_AFTER:  # e.g. dropped by the rate limit or an `unavailable` error
                    await self.send_anomaly(client_seq)
            if self.socket is not None and now - last_heartbeat > 2:
                last_heartbeat = now
                try:
                    await self.socket.send(json.dumps({"type": "heartbeat", "data": {"ts": int(time.time() * 1000)}}))
                except websockets.WebSocketException:
                    pass
            await asyncio.sleep(every)

    @property
    def sent(self) -> int:
        return self.next_client_seq - 1


class Dashboard(Client):
    """Applies events by seq, ignoring seqs it has; reconnects with `?after=<last contiguous seq>`."""

    def __init__(self, ports, exam_id: int, token: str):
        super().__init__(ports, f"/api/v1/proctoring/monitor/exams/{exam_id}/ws_ticket", token)
        self.last_seq = None  # None until the first snapshot
        self.snapshot_seq = None
        self.events: dict[int, dict] = {}  # seq → envelope (applied once)
        self.received_per_connection: list[Counter] = []
        self.resumes: list[tuple[int, list[int]]] = []  # (after, seqs replayed before `resumed`)

    def query(self) -> str:
        return "" if self.last_seq is None else f"&after={self.last_seq}"

    async def started(self, socket):
        await super().started(socket)
        self.received_per_connection.append(Counter())
        self.replaying = None if self.last_seq is None else (self.last_seq, [])

    async def received(self, socket, message: dict):
        if message["type"] == "snapshot":
            if self.last_seq is None:
                self.last_seq = self.snapshot_seq = message["seq"]
            return
        if message["type"] == "resumed" and self.replaying is not None:
            self.resumes.append(self.replaying)
            self.replaying = None
            return
        seq = message.get("seq")
        if message["type"] in ("anomaly", "presence", "status", "clock", "command", "receipt") and seq:
            self.received_per_connection[-1][seq] += 1
            if self.replaying is not None:
                self.replaying[1].append(seq)
            self.events.setdefault(seq, message)
            while self.last_seq is not None and self.last_seq + 1 in self.events:
                self.last_seq += 1

    def anomalies(self) -> Counter:
        """(sid, client_seq) → how many distinct dashboard events showed it."""
        return Counter(
            (event["sid"], event["data"]["client_seq"]) for event in self.events.values() if event["type"] == "anomaly"
        )

    def repeated_within_a_connection(self) -> list[int]:
        return [seq for counter in self.received_per_connection for seq, count in counter.items() if count > 1]


async def until(condition, timeout: float, what: str):
    """Wait (asynchronously) until `condition()` holds, or fail naming `what`."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        await asyncio.sleep(0.2)


async def until_every_anomaly_shown(dashboard: "Dashboard", learners: list) -> None:
    """Every anomaly the learners sent is acknowledged to them and applied by the dashboard."""
    await until(lambda: all(not c.unacked for c in learners), 40, "every anomaly acknowledged")
    wanted = {(c.session_id, seq) for c in learners for seq in range(1, c.sent + 1)}
    await until(lambda: wanted <= set(dashboard.anomalies()), 40, "every anomaly on the dashboard")


async def wind_down(clients: list, tasks: list) -> None:
    """Leave time for a late duplicate to show up, then stop every client without reconnecting."""
    await asyncio.sleep(3)
    for client in clients:
        client.stopping = True
    for task in tasks:
        task.cancel()
