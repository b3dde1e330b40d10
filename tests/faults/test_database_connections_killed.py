"""PostgreSQL connections killed (`pg_terminate_backend`) mid-request and mid-task while learners submit: no 500,
every submission is made once (the client retries a 503), every event is published once, no outbox row stuck."""

import threading
import time

import psycopg

from events.models import OutboxEvent
from exams.models import ExamAttempt
from tests.faults.conftest import FAULT_TEST, call, learners
from tests.faults.processes import celery, gunicorn, log_text, process_env, redis_server, wait_until

TAG = "exams-faults-pgkill"

pytestmark = FAULT_TEST


def terminate_tagged_backends() -> int:
    """Kill every server connection of this test's processes (never another checkout's or the shared ones)."""
    with psycopg.connect("host=127.0.0.1 port=5432 user=postgres dbname=postgres", autocommit=True) as admin:
        rows = admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = %s", [TAG]
        ).fetchall()
    return len(rows)


def test_connections_killed_mid_request_and_mid_task(database_name, http_port, redis_port, log_dir, timed_exam):
    with redis_server(redis_port, log_dir) as broker:
        env = process_env(database_name, application_name=TAG, CELERY_BROKER_URL=broker.url)
        env["DATABASE_CONN_MAX_AGE"] = "60"  # persistent connections: the worker's and gunicorn's die in place
        base = f"http://127.0.0.1:{http_port}/api/v1"
        with gunicorn(http_port, env, log_dir), celery("worker", env, log_dir, "-c", "2") as worker:
            with celery("beat", env, log_dir):
                wait_until(lambda: " ready." in log_text(worker), 90, "the worker to be ready")
                users = learners(8, prefix="pgkill")
                stop, killed = threading.Event(), []

                def killer():
                    while not stop.is_set():
                        killed.append(terminate_tagged_backends())
                        time.sleep(1.0)

                thread = threading.Thread(target=killer)
                thread.start()
                statuses, attempt_ids = [], {}
                try:
                    for user in users:
                        for step in ("start", "submit"):
                            for _ in range(20):  # a learner's client retries what did not answer 200
                                if step == "start":
                                    body = {"exam_id": timed_exam.pk, "start_clock": "true"}
                                    status, reply = call("POST", f"{base}/exams/attempt", user, body)
                                    if status == 200:
                                        attempt_ids[user.pk] = reply["exam_attempt_id"]
                                else:
                                    url = f"{base}/exams/attempt/{attempt_ids[user.pk]}"
                                    status, reply = call("PUT", url, user, {"action": "submit"})
                                statuses.append(status)
                                if status == 200:
                                    break
                                time.sleep(0.2)
                finally:
                    stop.set()
                    thread.join()
                assert sum(killed) > 0, "no connection was killed"
                assert 500 not in statuses, statuses  # a lost database is a 503 to retry, never a 500
                assert len(attempt_ids) == len(users)
                started = time.monotonic()
                wait_until(
                    lambda: (
                        OutboxEvent.objects.filter(status="sent", attempt_id__in=attempt_ids.values()).count()
                        == len(users)
                    ),
                    60,
                    "every submission published",
                )
                recovery_seconds = time.monotonic() - started
                time.sleep(4)
    assert set(ExamAttempt.objects.filter(pk__in=attempt_ids.values()).values_list("status", flat=True)) == {
        "submitted"
    }
    events = OutboxEvent.objects.filter(attempt_id__in=attempt_ids.values())
    assert sorted(events.values_list("attempt_id", flat=True)) == sorted(attempt_ids.values())  # once each
    assert not events.exclude(status="sent").exists()
    print(
        f"pg_terminate_backend x{sum(killed)}: {statuses.count(503)} answers 503, recovered in {recovery_seconds:.1f}s"
    )
