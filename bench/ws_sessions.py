"""Live proctoring sessions benchmark (issue 9): N learner sockets + 20 dashboard sockets on loopback.

Stack: `manage.py run_asgi` (uvicorn, 2 worker processes) + Redis channel layer + PostgreSQL. Each learner
sends a heartbeat every 2 s (±10 % jitter, random start) and an anomaly every 10 s (random start); every
dashboard of the exam receives every anomaly. Reports connect time, heartbeat round trip, anomaly fan-out
latency (p50/p99), errors, delivery and server memory per socket.
Usage: `.venv/bin/python -m bench.ws_sessions [--sizes 50,1000,2000] [--seconds 30]`; writes docs/benchmarks.md.
`--stale-burst --sizes 500`: every learner goes silent, one presence sweep turns them stale (bench/ws_stale_burst.py).
"""

import argparse
import asyncio
import gc
import json
import os
import random
import resource
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import websockets

from bench.common import recreate_postgres_database, setup_django, start_server, stop, write_section

PORT = 8766
DASHBOARDS = int(os.environ.get("BENCH_DASHBOARDS", "20"))
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/15")
COURSE_ID = "course-v1:Bench+Ws+2026"


def configure_django(database_url: str) -> dict:
    return setup_django(
        database_url,
        DATABASE_POOL="1",  # ASGI + PostgreSQL: a pool per process (docs/monitoring.md)
        REDIS_URL=REDIS_URL,
        CELERY_TASK_ALWAYS_EAGER="1",
        CHANNEL_LAYER_PREFIX="bench-ws",
        ASGI_WORKERS="2",
    )


def seed(learners: int) -> dict:
    from monitoring.demo import seed_live_exam

    return seed_live_exam(course_id=COURSE_ID, name="Bench exam", learners=learners, lms_user_id_base=500000)


def load_seed(learners: int) -> dict | None:
    """The seed of an earlier run (`--keep-db`), or None when it has fewer learners."""
    from exams.models import CourseStaffRole, Exam
    from exams.services.dev_tokens import dev_jwt_for
    from monitoring.models import ProctoringSession

    exam = Exam.objects.filter(course_id=COURSE_ID).first()
    sessions = list(
        ProctoringSession.objects.filter(exam=exam).select_related("user").order_by("user__lms_user_id")[:learners]
    )
    if exam is None or len(sessions) < learners:
        return None
    rows = [{"token": dev_jwt_for(s.user, hours=4), "session_id": str(s.pk)} for s in sessions]
    staff = CourseStaffRole.objects.select_related("user").get(course_id=COURSE_ID).user
    return {"exam_id": exam.pk, "staff_token": dev_jwt_for(staff, hours=4), "learners": rows}


def start_asgi_server(env: dict):
    command = [sys.executable, "manage.py", "run_asgi", "--port", str(PORT), "--workers", "2", "--log-level", "error"]
    return start_server(command, env, PORT, name="ASGI server", wait_seconds=60)


def server_rss_mb(server) -> float:
    """Resident memory of the uvicorn parent and its workers (the process group)."""
    total = 0
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            if os.getpgid(int(pid)) != server.pid:
                continue
            status = Path(f"/proc/{pid}/status").read_text()
        except (OSError, ProcessLookupError):
            continue
        total += int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmRSS")))
    return total / 1024


def fetch_ticket(path: str, token: str) -> tuple[dict, float]:
    started = time.perf_counter()
    request = urllib.request.Request(f"http://127.0.0.1:{PORT}{path}", method="POST", data=b"{}")
    request.add_header("Authorization", f"JWT {token}")
    request.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read()), (time.perf_counter() - started) * 1000


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


class Load:
    def __init__(self, seed_data: dict, learners: int, seconds: int, run_id: int):
        self.seed, self.n, self.seconds = seed_data, learners, seconds
        self.client_seq_base = int(time.time() * 1000) * 1000  # unique across runs on a kept database
        self.connect_ms, self.rtt_ms, self.fanout_ms, self.ticket_ms = [], [], [], []
        self.errors: list[str] = []
        self.sent_anomalies: dict[tuple[str, int], float] = {}
        self.acks = 0
        self.delivered = 0
        self.stop = asyncio.Event()
        self.lag_ms: list[float] = []

    async def watch_lag(self) -> None:
        """How late the client's own event loop wakes up: a floor under every latency measured here."""
        loop = asyncio.get_running_loop()
        while not self.stop.is_set():
            expected = loop.time() + 0.1
            await asyncio.sleep(0.1)
            self.lag_ms.append((loop.time() - expected) * 1000)

    def tickets(self, paths_tokens: list[tuple[str, str]]) -> list[dict]:
        with ThreadPoolExecutor(max_workers=16) as pool:
            results = list(pool.map(lambda pt: fetch_ticket(*pt), paths_tokens))
        self.ticket_ms += [elapsed for _, elapsed in results]
        return [ticket for ticket, _ in results]

    async def dashboard(self, ticket: dict, ready: asyncio.Event, counter: list) -> None:
        url = f"ws://127.0.0.1:{PORT}{ticket['ws_path']}?ticket={ticket['ticket']}"
        try:
            async with websockets.connect(url, max_size=2**24, open_timeout=60, compression=None) as ws:
                await ws.recv()  # snapshot
                counter[0] += 1
                if counter[0] == DASHBOARDS:
                    ready.set()
                while not self.stop.is_set():
                    try:
                        message = json.loads(await asyncio.wait_for(ws.recv(), 1))
                    except TimeoutError:
                        continue
                    self.on_dashboard_message(message)
        except Exception as error:  # noqa: BLE001 - counted
            self.errors.append(f"dashboard: {error!r}")

    def on_dashboard_message(self, message: dict) -> None:
        """Fan-out latency of the anomalies this run sent; gaps and errors counted."""
        if message.get("type") == "anomaly":
            sent = self.sent_anomalies.get((message["sid"], message["data"]["client_seq"]))
            if sent is not None:
                self.fanout_ms.append((time.time() - sent) * 1000)
                self.delivered += 1
        elif message.get("type") in ("gap", "error"):
            self.errors.append(f"dashboard {message['type']}")

    async def learner(self, sid: str, ticket: dict, gate: asyncio.Semaphore, connected: list) -> None:
        url = f"ws://127.0.0.1:{PORT}{ticket['ws_path']}?ticket={ticket['ticket']}"
        pending: dict[int, float] = {}
        try:
            async with gate:
                started = time.perf_counter()
                ws = await websockets.connect(url, open_timeout=60, compression=None)
                await ws.send(json.dumps({"type": "hello", "data": {"client_id": sid}}))
                welcome = json.loads(await asyncio.wait_for(ws.recv(), 60))
                if welcome.get("type") != "welcome":
                    raise RuntimeError(f"no welcome: {welcome}")
                self.connect_ms.append((time.perf_counter() - started) * 1000)
            connected[0] += 1
            async with ws:
                reader = asyncio.create_task(self.learner_reader(ws, pending))
                await self.all_connected.wait()
                await self.learner_writer(ws, sid, pending)
                await asyncio.sleep(2)  # acks and heartbeat replies still on the way
                reader.cancel()
        except Exception as error:  # noqa: BLE001 - counted
            self.errors.append(f"learner: {error!r}")

    async def learner_reader(self, ws, pending: dict) -> None:
        async for raw in ws:
            message = json.loads(raw)
            kind = message.get("type")
            if kind == "heartbeat_ack":
                sent = pending.pop(message["data"]["echo"], None)
                if sent is not None:
                    self.rtt_ms.append((time.perf_counter() - sent) * 1000)
            elif kind == "ack":
                self.acks += 1
            elif kind == "error":
                self.errors.append(f"learner error {message['data']}")

    async def learner_writer(self, ws, sid: str, pending: dict) -> None:
        loop = asyncio.get_running_loop()
        end = loop.time() + self.seconds
        next_beat = loop.time() + random.uniform(0, 2)
        next_anomaly = loop.time() + random.uniform(0, 10)
        beat, client_seq = 0, self.client_seq_base
        while True:
            wake = min(next_beat, next_anomaly)
            if wake >= end:
                return
            await asyncio.sleep(max(wake - loop.time(), 0))
            if next_beat <= next_anomaly:
                beat += 1
                pending[beat] = time.perf_counter()
                await ws.send(json.dumps({"type": "heartbeat", "data": {"ts": beat, "focus": True}}))
                next_beat += random.uniform(1.8, 2.2)
            else:
                client_seq += 1
                self.sent_anomalies[(sid, client_seq)] = time.time()
                data = {"kind": "gaze_away", "severity": round(random.random(), 2), "client_seq": client_seq}
                await ws.send(json.dumps({"type": "anomaly", "data": data}))
                next_anomaly += 10

    async def run(self, server) -> dict:
        exam_id = self.seed["exam_id"]
        rows = self.seed["learners"][: self.n]
        dash_path = f"/api/v1/proctoring/monitor/exams/{exam_id}/ws_ticket"
        loop = asyncio.get_running_loop()
        dash_tickets = await loop.run_in_executor(
            None, self.tickets, [(dash_path, self.seed["staff_token"])] * DASHBOARDS
        )
        learner_paths = [(f"/api/v1/proctoring/sessions/{row['session_id']}/ws_ticket", row["token"]) for row in rows]
        learner_tickets = await loop.run_in_executor(None, self.tickets, learner_paths)
        rss_idle = server_rss_mb(server)
        ready, counter = asyncio.Event(), [0]
        dashboards = [asyncio.create_task(self.dashboard(t, ready, counter)) for t in dash_tickets]
        await asyncio.wait_for(ready.wait(), 120)
        self.all_connected = asyncio.Event()
        gate, connected = asyncio.Semaphore(100), [0]
        started = time.perf_counter()
        learners = [
            asyncio.create_task(self.learner(row["session_id"], ticket, gate, connected))
            for row, ticket in zip(rows, learner_tickets, strict=True)
        ]
        while connected[0] + len(self.errors) < self.n and time.perf_counter() - started < 180:
            await asyncio.sleep(0.1)
        ramp_s = time.perf_counter() - started
        await asyncio.sleep(1)
        rss_connected = server_rss_mb(server)
        self.all_connected.set()
        watcher = asyncio.create_task(self.watch_lag())
        await asyncio.gather(*learners)
        await asyncio.sleep(1)  # let the last fan-outs arrive
        self.stop.set()
        await asyncio.gather(*dashboards, watcher)
        expected = len(self.sent_anomalies) * DASHBOARDS
        return {
            "learners": self.n,
            "ramp_s": ramp_s,
            "ticket": (pct(self.ticket_ms, 0.5), pct(self.ticket_ms, 0.99)),
            "connect": (pct(self.connect_ms, 0.5), pct(self.connect_ms, 0.99)),
            "rtt": (pct(self.rtt_ms, 0.5), pct(self.rtt_ms, 0.99)),
            "fanout": (pct(self.fanout_ms, 0.5), pct(self.fanout_ms, 0.99)),
            "client_lag": (pct(self.lag_ms, 0.5), pct(self.lag_ms, 0.99)),
            "heartbeats": len(self.rtt_ms),
            "anomalies": len(self.sent_anomalies),
            "acks": self.acks,
            "delivered": f"{self.delivered}/{expected}",
            "errors": len(self.errors),
            "error_samples": sorted(set(self.errors))[:3],
            "rss_idle_mb": rss_idle,
            "rss_mb": rss_connected,
            "kb_per_socket": (rss_connected - rss_idle) * 1024 / (self.n + DASHBOARDS),
        }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="50,1000,2000")
    parser.add_argument("--seconds", type=int, default=30)
    parser.add_argument("--keep-db", action="store_true", help="reuse the seeded database of an earlier run")
    parser.add_argument("--stale-burst", action="store_true", help="all learners go silent; one sweep (issue 16)")
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    seed_data = None
    if args.keep_db:
        env = configure_django("postgres://postgres@127.0.0.1:5432/bench_ws_sessions")
        seed_data = load_seed(max(sizes))
    if seed_data is None:
        env = configure_django(recreate_postgres_database("bench_ws_sessions"))
        print(f"seeding {max(sizes)} learners...", flush=True)
        seed_data = seed(max(sizes))
    try:
        import uvloop

        uvloop.install()
    except ImportError:
        pass
    # The client is the measuring instrument: its own collector pauses would show up as server latency.
    gc.collect()
    gc.freeze()
    gc.set_threshold(50000, 20, 100)
    results = []
    for run_id, size in enumerate(sizes, start=1):
        load_before = os.getloadavg()[0]
        server = start_asgi_server(env)
        if args.stale_burst:
            from bench.ws_stale_burst import StaleBurst

            load = StaleBurst(seed_data, size, run_id)
        else:
            load = Load(seed_data, size, args.seconds, run_id)
        try:
            result = asyncio.run(load.run(server))
        finally:
            stop(server, wait_seconds=60)
        result["load"] = (load_before, os.getloadavg()[0])
        print(json.dumps(result), flush=True)
        results.append(result)
    if args.stale_burst:
        from bench.ws_stale_burst import report as stale_report

        return write_section("Live proctoring: stale burst (issue 16)", stale_report(results))
    write_section("Live proctoring sessions (issue 9)", report(results, args.seconds))


def report(results: list[dict], seconds: int) -> str:
    lines = [
        "`bench/ws_sessions.py`: N learner sockets + 20 dashboard sockets of one exam on loopback; "
        f"{seconds} s of steady load after all sockets are up. Each learner: heartbeat every 2 s (±10 %), "
        "anomaly every 10 s (random phase); every dashboard receives every anomaly. Server: `manage.py run_asgi` "
        "(uvicorn, 2 worker processes, uvloop), Redis pub/sub channel layer and Redis cache (127.0.0.1), PostgreSQL "
        "with `DATABASE_POOL`; "
        "client: one asyncio process (websockets + uvloop), 100 handshakes in flight, tickets fetched over REST "
        "first. Client, server, Redis and PostgreSQL share the machine's 2 cores (load average in the table). Server "
        "defaults as shipped: heartbeats batched per process (`MONITORING_HEARTBEAT_FLUSH_SECONDS=1`), ASGI "
        "collector tuned (`ASGI_GC_THRESHOLD=50000,20,100`); the client freezes its own start-up objects too, so "
        "its collector pauses are not counted as server latency. Target: 2,000 sessions, 0 errors, fan-out "
        "p99 < 100 ms.",
        "",
        "| learners | ticket p50/p99 ms | connect p50/p99 ms | heartbeat RTT p50/p99 ms | anomaly fan-out p50/p99 ms "
        "| anomalies → deliveries | errors | server RSS idle → connected | per socket | client loop lag p50/p99 ms "
        "| load avg before/after |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        lines.append(
            f"| {r['learners']} | {r['ticket'][0]:.1f} / {r['ticket'][1]:.1f} "
            f"| {r['connect'][0]:.1f} / {r['connect'][1]:.1f} | {r['rtt'][0]:.1f} / {r['rtt'][1]:.1f} "
            f"| {r['fanout'][0]:.1f} / {r['fanout'][1]:.1f} | {r['anomalies']} → {r['delivered']} | {r['errors']} "
            f"| {r['rss_idle_mb']:.0f} → {r['rss_mb']:.0f} MB | {r['kb_per_socket']:.0f} KB "
            f"| {r['client_lag'][0]:.0f} / {r['client_lag'][1]:.0f} "
            f"| {r['load'][0]:.1f} / {r['load'][1]:.1f} |"
        )
    lines += [
        "",
        "Connect = WebSocket handshake + ticket check + `hello` → `welcome` (a DB lookup and a presence write). "
        "Heartbeat RTT = `heartbeat` → `heartbeat_ack` (one cache write, no DB). Fan-out = learner sends "
        "`anomaly` → a dashboard receives it (DB append with the exam's sequence, ack, Redis group send to 20 "
        "channels across both workers). Per-socket memory = (RSS with all sockets − RSS before) / sockets, "
        "over the uvicorn parent and both workers (at 50 sockets the workers' own warm-up dominates the difference).",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
