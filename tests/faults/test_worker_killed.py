"""A Celery worker killed with SIGKILL in the middle of publishing: its events reached the bus but the worker never
heard back (a proxy swallows the bus's replies). The sweep re-drives the rows once their claim runs out, on a new
worker, and every event is on the Redis stream exactly once."""

import os
import signal
import time

from events.models import OutboxEvent
from tests.faults.conftest import FAULT_TEST, REDIS_PORTS, call, learners, start_attempts
from tests.faults.processes import (
    celery,
    event_bus_env,
    gunicorn,
    log_text,
    process_env,
    redis_server,
    stream_event_ids,
    wait_until,
)
from tests.faults.reply_holding_proxy import ReplyHoldingProxy

pytestmark = FAULT_TEST


def test_worker_killed_mid_publish(database_name, http_port, redis_port, log_dir, timed_exam):
    with redis_server(redis_port, log_dir) as broker, redis_server(next(REDIS_PORTS), log_dir) as bus:
        proxy = ReplyHoldingProxy(bus.port)
        # the worker waits for a swallowed reply longer than the test needs to kill it
        env = process_env(database_name, CELERY_BROKER_URL=broker.url, **event_bus_env(proxy.url(socket_timeout=30)))
        base = f"http://127.0.0.1:{http_port}/api/v1"
        with gunicorn(http_port, env, log_dir), celery("beat", env, log_dir):
            users = learners(6, prefix="sigkill")
            attempt_ids = start_attempts(base, users, timed_exam.pk)
            with celery("worker", env, log_dir, "-c", "2", name="celery-worker-killed") as doomed:
                wait_until(lambda: " ready." in log_text(doomed), 90, "the first worker to be ready")
                proxy.hold_replies(after=b"XADD")
                for user in users:
                    url = f"{base}/exams/attempt/{attempt_ids[user.pk]}"
                    assert call("PUT", url, user, {"action": "submit"})[0] == 200
                # both pool processes are inside a publish whose XADD landed: kill the worker there
                wait_until(lambda: len(stream_event_ids(bus.port)) >= 2, 30, "publishes that reached the bus")
                os.killpg(doomed.pid, signal.SIGKILL)
                doomed.wait(10)
                landed_before_kill = len(stream_event_ids(bus.port))
                unfinished = OutboxEvent.objects.filter(status="pending").count()
            proxy.release()
            killed = time.monotonic()
            with celery("worker", env, log_dir, "-c", "2", name="celery-worker-new") as worker:
                wait_until(lambda: " ready." in log_text(worker), 90, "the new worker to be ready")
                wait_until(lambda: not OutboxEvent.objects.exclude(status="sent").exists(), 90, "every row published")
                recovery_seconds = time.monotonic() - killed
                time.sleep(8)  # a second re-drive would show up now
                on_stream = stream_event_ids(bus.port)
        proxy.close()
    assert unfinished == len(users), "the kill left every row unpublished in the outbox"
    assert landed_before_kill >= 2, "the killed worker's writes had reached the bus"
    expected = [
        str(pk) for pk in OutboxEvent.objects.filter(attempt_id__in=attempt_ids.values()).values_list("pk", flat=True)
    ]
    assert len(expected) == len(users)
    assert sorted(on_stream) == sorted(expected)  # each once: the landed writes were not repeated, none lost
    print(
        f"worker SIGKILL mid-publish ({landed_before_kill} writes unacknowledged): recovered in {recovery_seconds:.1f}s"
    )
