"""Broker Redis stopped ~20 s while attempts run: the worker survives, every deadline is enforced once and the
outbox event of a submission made during the outage is published once after recovery."""

import time
from datetime import timedelta

from django.utils import timezone

from events.models import OutboxEvent
from exams.models import ExamAttempt
from exams_service.worker_liveness import is_alive
from tests.faults.conftest import FAULT_TEST, call, learners, start_attempts
from tests.faults.processes import celery, gunicorn, log_text, process_env, redis_server, wait_until

OUTAGE_SECONDS = 20

pytestmark = FAULT_TEST


def test_broker_outage_with_running_attempts(database_name, http_port, redis_port, log_dir, timed_exam):
    with redis_server(redis_port, log_dir) as broker:
        alive = log_dir / "worker.alive"
        env = process_env(database_name, CELERY_BROKER_URL=broker.url, CELERY_WORKER_LIVENESS_FILE=str(alive))
        env["CELERY_WORKER_LIVENESS_INTERVAL"] = "1"
        base = f"http://127.0.0.1:{http_port}/api/v1"
        with gunicorn(http_port, env, log_dir), celery("worker", env, log_dir, "-c", "2") as worker:
            with celery("beat", env, log_dir):
                wait_until(lambda: " ready." in log_text(worker), 90, "the worker to be ready")
                users = learners(6)
                attempt_ids = start_attempts(base, users, timed_exam.pk)
                time.sleep(3)  # the worker has taken whatever the attempts queued (before: 6 ETA deadline tasks)
                broker.stop()
                outage_started = time.monotonic()
                status, _ = call(
                    "PUT", f"{base}/exams/attempt/{attempt_ids[users[0].pk]}", users[0], {"action": "submit"}
                )
                assert status == 200  # the API answers without its broker
                time.sleep(max(OUTAGE_SECONDS - (time.monotonic() - outage_started), 0))
                assert not is_alive(alive, max_age=10)  # the probe sees the consumer has no broker
                broker.start()
                recovered = time.monotonic()
                # the other attempts' time runs out now: only the database knows, the sweep must act
                past = timezone.now() - timedelta(minutes=timed_exam.time_limit_mins + 1)
                ExamAttempt.objects.filter(pk__in=list(attempt_ids.values())[1:]).update(start_time=past)
                wait_until(
                    lambda: OutboxEvent.objects.filter(status="sent", event_type__endswith="submitted.v1").count() == 6,
                    60,
                    "every submission published after the outage",
                )
                recovery_seconds = time.monotonic() - recovered
                time.sleep(5)  # a duplicate would show up now
                assert worker.poll() is None, "the worker died during the broker outage"
                assert is_alive(alive, max_age=5)  # and sees it consuming again
    events = OutboxEvent.objects.filter(event_type__endswith="submitted.v1")
    assert sorted(events.values_list("attempt_id", flat=True)) == sorted(attempt_ids.values())  # once each
    assert not OutboxEvent.objects.exclude(status="sent").exists()  # nothing stuck
    statuses = set(ExamAttempt.objects.filter(pk__in=attempt_ids.values()).values_list("status", flat=True))
    assert statuses == {"submitted"}
    print(f"broker outage {OUTAGE_SECONDS}s: recovered in {recovery_seconds:.1f}s")
