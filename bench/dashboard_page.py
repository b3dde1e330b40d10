"""Proctor dashboard page benchmark (issue 20): the page in headless Chromium for 2,000 live sessions.

Stack: `manage.py run_asgi` (uvicorn, 1 worker) + Redis channel layer + PostgreSQL (`DATABASE_POOL`); 2,000 running
attempts with sessions marked online, 400 of them with anomalies in the snapshot. Measures the page's first
contentful paint and the time until all rows are rendered and live, the time a sort and a search take, then
feeds events at rising rates (anomalies recorded through `monitoring.services` and fanned out through the
channel layer, as a learner socket does) and records the rate the page applies, how long it needs to catch up
once a stage ends, and how late its main thread runs a 50 ms timer meanwhile.
Usage: `.venv/bin/python -m bench.dashboard_page [--sessions 2000] [--rates 50,100,200,400] [--seconds 10]`;
writes docs/benchmarks.md.
"""

import argparse
import os
import random
import sys
import time

from bench.common import recreate_postgres_database, setup_django, start_server, stop, write_section

PORT = 18610
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/15")
COURSE_ID = "course-v1:Bench+Dash+2026"
LAG_PROBE = """
window.__lag = []; window.__lagLast = performance.now();
window.__lagTimer = setInterval(() => {
  const n = performance.now(); __lag.push(n - __lagLast - 50); __lagLast = n;
}, 50);
"""


def configure(database_url: str) -> dict:
    return setup_django(
        database_url,
        DATABASE_POOL="1",
        REDIS_URL=REDIS_URL,
        CELERY_TASK_ALWAYS_EAGER="1",
        CHANNEL_LAYER_PREFIX="bench-dash",
        MONITORING_INPROCESS_SWEEPER="false",
        ASGI_WORKERS="1",
    )


def seed(sessions: int) -> dict:
    """Running attempts with online sessions, written in bulk (the page is measured, not attempt creation)."""
    from django.utils import timezone

    from exams.models import CourseStaffRole, Exam, ExamAttempt, User
    from exams.services.dev_tokens import dev_jwt_for
    from monitoring.models import ProctoringSession
    from monitoring.sequencer import ensure_stream
    from monitoring.services import record_anomaly

    exam = Exam.objects.create(
        course_id=COURSE_ID,
        content_id="block-v1:Bench+Dash+2026+type@sequential+block@timed",
        exam_name="Bench dashboard",
        exam_type="timed",
        time_limit_mins=240,
        is_active=True,
    )
    staff = User.objects.create(username="bench_dash_staff", email="bench_dash_staff@example.com", lms_user_id=699999)
    CourseStaffRole.objects.create(user=staff, course_id=COURSE_ID, role="staff")
    users = User.objects.bulk_create(
        [User(username=f"learner_{i:04d}", email=f"l{i}@example.com", lms_user_id=700000 + i) for i in range(sessions)]
    )
    now = timezone.now()
    attempts = ExamAttempt.objects.bulk_create(
        [
            ExamAttempt(
                user=user,
                exam=exam,
                status="started",
                start_time=now,
                allowed_time_limit_mins=random.choice((60, 120, 240)),
            )
            for user in users
        ]
    )
    ensure_stream(exam.pk)
    rows = ProctoringSession.objects.bulk_create(
        [ProctoringSession(attempt=a, exam=exam, user_id=a.user_id, presence="online") for a in attempts]
    )
    learners = [{"session_id": str(row.pk)} for row in rows]
    for index, row in enumerate(learners[: sessions // 5]):
        anomaly = {"kind": "gaze_away", "severity": round(random.random(), 2), "client_seq": index + 1}
        record_anomaly(session_id=row["session_id"], exam_id=exam.pk, anomaly=anomaly)
    return {"exam_id": exam.pk, "staff_token": dev_jwt_for(staff, hours=4), "learners": learners}


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values) or [float("nan")]
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


class Feeder:
    """Anomalies for random sessions, recorded in the log beforehand (numbered after the exam's counter, as the
    learner socket's path does) and then fanned out through the channel layer at `rate` per second from one
    paced thread, so the generator is not what limits the rate (recording costs a commit per event)."""

    def __init__(self, data: dict):
        self.data, self.client_seq, self.last_seq = data, 10_000_000, 0

    def record(self, count: int) -> list[dict]:
        from django.db import transaction
        from django.utils import timezone

        from monitoring import selectors
        from monitoring.models import ANOMALY, ExamStream, SessionEvent

        exam_id = self.data["exam_id"]
        with transaction.atomic():
            stream = ExamStream.objects.select_for_update().get(exam_id=exam_id)
            events = []
            for offset in range(1, count + 1):
                self.client_seq += 1
                row = random.choice(self.data["learners"])
                events.append(
                    SessionEvent(
                        exam_id=exam_id,
                        session_id=row["session_id"],
                        seq=stream.last_seq + offset,
                        type=ANOMALY,
                        kind="face_absent",
                        severity=round(random.random(), 2),
                        client_seq=self.client_seq,
                        created=timezone.now(),
                    )
                )
            SessionEvent.objects.bulk_create(events, batch_size=1000)
            stream.last_seq += count
            stream.save(update_fields=["last_seq"])
        return [selectors.envelope(event) for event in events]

    def run(self, rate: int, seconds: float) -> int:
        from monitoring import fanout

        envelopes = self.record(int(rate * seconds))
        exam_id, start = self.data["exam_id"], time.perf_counter()
        for sent, envelope in enumerate(envelopes):
            time.sleep(max(0.0, start + sent / rate - time.perf_counter()))
            fanout.to_exam_sync(exam_id, envelope)
        if envelopes:
            self.last_seq = envelopes[-1]["seq"]
        return len(envelopes)


def measure(data: dict, rates: list[int], seconds: int) -> dict:
    from monitoring import fanout
    from tests.monitoring.browser_page import DashboardPage

    page = DashboardPage(f"http://127.0.0.1:{PORT}", data)
    try:
        started = time.perf_counter()
        page.open()
        n = len(data["learners"])
        rows = f"document.getElementById('shown').textContent.startsWith('{n} of {n}')"
        page.wait_for(f"window.proctorDashboard.stats.snapshotRendered && {rows}", 120)
        wall_ms = (time.perf_counter() - started) * 1000
        fcp = page.js("(performance.getEntriesByName('first-contentful-paint')[0] || {}).startTime")
        rendered = page.js("window.proctorDashboard.stats.snapshotRendered")
        sort_ms = page.js(
            "(() => { const t = performance.now(); const s = document.getElementById('sort'); s.value = 'name';"
            " s.dispatchEvent(new Event('change')); return performance.now() - t; })()"
        )
        search_ms = page.js(
            "(() => { const t = performance.now(); const s = document.getElementById('search'); s.value = '_19';"
            " s.dispatchEvent(new Event('input')); const r = performance.now() - t;"
            " s.value = ''; s.dispatchEvent(new Event('input')); return r; })()"
        )
        page.set_value("sort", "risk", "change")
        feeder, stages = Feeder(data), []
        for rate in rates:
            page.js(LAG_PROBE)
            applied_before = page.js("window.proctorDashboard.stats.applied")
            t0 = time.perf_counter()
            sent = feeder.run(rate, seconds)
            fanout.flush(10)
            feed_s = time.perf_counter() - t0
            target = feeder.last_seq
            caught = time.perf_counter()
            try:
                page.wait_for(f"window.proctorDashboard.stats.lastSeq >= {target}", 30)
                catch_up_ms = (time.perf_counter() - caught) * 1000
            except AssertionError:
                catch_up_ms = float("inf")
            applied = page.js("window.proctorDashboard.stats.applied") - applied_before
            lag = page.js("clearInterval(window.__lagTimer); window.__lag")
            stages.append(
                {
                    "rate": rate,
                    "sent_per_s": sent / feed_s,
                    "applied": applied,
                    "sent": sent,
                    "catch_up_ms": catch_up_ms,
                    "lag": (pct(lag, 0.5), pct(lag, 0.99), max(lag or [0])),
                }
            )
            print(stages[-1], flush=True)
        page.screenshot("bench-2000-sessions")
        return {
            "fcp_ms": fcp,
            "rendered_ms": rendered,
            "wall_ms": wall_ms,
            "sort_ms": sort_ms,
            "search_ms": search_ms,
            "stages": stages,
        }
    finally:
        page.close()


def report(result: dict, sessions: int, seconds: int, command: str) -> str:
    lines = [
        f"`{command}` — Server: `manage.py run_asgi` (uvicorn, 1 worker), Redis "
        f"channel layer, PostgreSQL with `DATABASE_POOL`; {sessions} running attempts with online sessions, a fifth "
        "of them with an anomaly; headless Chromium (Debian) through `tests/monitoring/cdp.py`, 1400×900 viewport. "
        f"Events: anomalies for random sessions, recorded in the log beforehand (numbered as a learner socket's are), "
        f"then fanned out through the channel layer from one paced thread, {seconds} s per rate, so the generator "
        "is not the limit. The page keeps up with a rate when it has applied every event within a second of the last "
        "one being sent and its main thread stays responsive (timer lag p99 < 100 ms).",
        "",
        "| first contentful paint | all rows rendered and live | (wall, from navigation) | sort 2,000 rows | search |",
        "|---|---|---|---|---|",
        f"| {result['fcp_ms']:.0f} ms | {result['rendered_ms']:.0f} ms | {result['wall_ms']:.0f} ms "
        f"| {result['sort_ms']:.0f} ms | {result['search_ms']:.0f} ms |",
        "",
        "| target events/s | sent events/s | applied / sent | catch-up after the last event "
        "| main-thread lag p50 / p99 / max | keeps up |",
        "|---|---|---|---|---|---|",
    ]
    for s in result["stages"]:
        keeps = s["catch_up_ms"] <= 1000 and s["lag"][1] < 100 and s["applied"] >= s["sent"]
        lines.append(
            f"| {s['rate']} | {s['sent_per_s']:.0f} | {s['applied']} / {s['sent']} | {s['catch_up_ms']:.0f} ms "
            f"| {s['lag'][0]:.0f} / {s['lag'][1]:.0f} / {s['lag'][2]:.0f} ms | {'yes' if keeps else 'no'} |"
        )
    lines += [
        "",
        f"Load average (1 min) before / after the run: {result['load'][0]:.1f} / {result['load'][1]:.1f} on "
        f"{os.cpu_count()} cores.",
        "",
        "First contentful paint is the server-rendered page (header, controls, empty table); rows arrive with the "
        "socket's snapshot. The table is virtual: the model holds every session, the DOM only the rows in (and near) "
        "the scrolled window, so a live event or a re-sort touches tens of rows, not 2,000; live re-sorting is "
        "throttled to every 2 s.",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sessions", type=int, default=2000)
    parser.add_argument("--rates", default="50,100,200,400")
    parser.add_argument("--seconds", type=int, default=10)
    args = parser.parse_args()
    env = configure(recreate_postgres_database("bench_dashboard"))
    print(f"seeding {args.sessions} sessions...", flush=True)
    data = seed(args.sessions)
    command = [sys.executable, "manage.py", "run_asgi", "--port", str(PORT), "--workers", "1", "--log-level", "error"]
    server = start_server(command, env, PORT, name="ASGI server", wait_seconds=60)
    load_before = os.getloadavg()[0]
    try:
        result = measure(data, [int(rate) for rate in args.rates.split(",")], args.seconds)
    finally:
        stop(server, wait_seconds=60)
    result["load"] = (load_before, os.getloadavg()[0])
    shown = " ".join(["python -m bench.dashboard_page", *sys.argv[1:]]).strip()
    write_section(
        "Proctor dashboard page (issue 20)", report(result, args.sessions, args.seconds, f".venv/bin/{shown}")
    )
    print(result, flush=True)


if __name__ == "__main__":
    main()
