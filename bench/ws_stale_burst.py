"""Stale burst (issue 16): N learner sockets go silent together and one presence sweep turns them all `stale`;
how long until the dashboards have every presence event. Run through `bench.ws_sessions --stale-burst`.

The sweep runs in this process with a clock 26 s ahead (as a Celery worker would run it, without waiting), so its
fan-out takes the same path as in production: the per-process publisher thread and the Redis channel layer.
"""

import asyncio
import time

from bench.ws_sessions import DASHBOARDS, Load, pct


class StaleBurst(Load):
    def __init__(self, seed_data: dict, learners: int, run_id: int):
        super().__init__(seed_data, learners, seconds=0, run_id=run_id)
        self.swept_at: float | None = None
        self.stale_ms: list[float] = []

    def on_dashboard_message(self, message: dict) -> None:
        """Time from the sweep to each `stale` presence event."""
        if message.get("type") == "presence" and message["data"]["kind"] == "stale" and self.swept_at:
            self.stale_ms.append((time.time() - self.swept_at) * 1000)

    async def learner_writer(self, ws, sid: str, pending: dict) -> None:
        await self.stop.wait()  # connected (its first beat was written), then silent

    async def run(self, server) -> dict:
        from django.conf import settings

        from monitoring import fanout, presence

        learners = asyncio.create_task(super().run(server))  # connects everyone, then waits in learner_writer
        while not getattr(self, "all_connected", None) or not self.all_connected.is_set():
            await asyncio.sleep(0.2)
        await asyncio.sleep(2)
        self.swept_at = time.time()
        later = self.swept_at + settings.MONITORING_STALE_AFTER_SECONDS + 1
        counts = await asyncio.to_thread(presence.sweep, now=later)
        sweep_s = time.time() - self.swept_at
        await asyncio.to_thread(fanout.flush, 60)
        expected = self.n * DASHBOARDS
        deadline = time.time() + 60
        while len(self.stale_ms) < expected and time.time() < deadline:
            await asyncio.sleep(0.2)
        self.stop.set()
        result = await learners
        result.update(
            stale=counts["stale"],
            sweep_s=sweep_s,
            stale_fanout=(pct(self.stale_ms, 0.5), pct(self.stale_ms, 0.99)),
            stale_delivered=f"{len(self.stale_ms)}/{expected}",
        )
        return result


def report(results: list[dict]) -> str:
    lines = [
        "`bench/ws_sessions.py --stale-burst`: N learner sockets and 20 dashboards connected; the learners go "
        "silent and one presence sweep (clock 26 s ahead, in the client process like a Celery worker) turns them "
        "all stale. Fan-out = sweep start → a dashboard receives the session's `stale` event.",
        "",
        "| learners | sweep s | stale fan-out p50/p99 ms | deliveries | errors |",
        "|---|---|---|---|---|",
    ]
    for r in results:
        lines.append(
            f"| {r['learners']} | {r['sweep_s']:.2f} | {r['stale_fanout'][0]:.0f} / {r['stale_fanout'][1]:.0f} "
            f"| {r['stale_delivered']} | {r['errors']} |"
        )
    return "\n".join(lines)
