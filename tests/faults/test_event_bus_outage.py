"""Event-bus Redis (the outbox publisher's own server) stopped ~15 s while learners submit through gunicorn: the API
keeps answering fast, and once the bus returns every event is on the Redis stream exactly once."""

import time

from events.models import OutboxEvent
from tests.faults.conftest import FAULT_TEST, REDIS_PORTS, call, learners
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

OUTAGE_SECONDS = 15

pytestmark = FAULT_TEST


def test_event_bus_outage_while_learners_submit(database_name, http_port, redis_port, log_dir, timed_exam):
    with redis_server(redis_port, log_dir) as broker, redis_server(next(REDIS_PORTS), log_dir) as bus:
        bus_url = f"{bus.url}?socket_timeout=2&socket_connect_timeout=1"
        env = process_env(database_name, CELERY_BROKER_URL=broker.url, **event_bus_env(bus_url))
        base = f"http://127.0.0.1:{http_port}/api/v1"
        with gunicorn(http_port, env, log_dir), celery("worker", env, log_dir, "-c", "2") as worker:
            with celery("beat", env, log_dir):
                wait_until(lambda: " ready." in log_text(worker), 90, "the worker to be ready")
                users = learners(9, prefix="busdown")
                attempt_ids = {}
                for user in users:
                    body = {"exam_id": timed_exam.pk, "start_clock": "true"}
                    status, reply = call("POST", f"{base}/exams/attempt", user, body)
                    assert status == 200, reply
                    attempt_ids[user.pk] = reply["exam_attempt_id"]
                submit = [(user, f"{base}/exams/attempt/{attempt_ids[user.pk]}") for user in users]
                status, _ = call("PUT", submit[0][1], submit[0][0], {"action": "submit"})  # before: the bus works
                assert status == 200
                wait_until(lambda: len(stream_event_ids(bus.port)) == 1, 30, "the first event on the stream")

                bus.stop()
                outage_started = time.monotonic()
                latencies = []
                for user, url in submit[1:6]:  # during the outage
                    started = time.monotonic()
                    status, reply = call("PUT", url, user, {"action": "submit"})
                    latencies.append(time.monotonic() - started)
                    assert status == 200, reply
                    time.sleep(1)
                time.sleep(max(OUTAGE_SECONDS - (time.monotonic() - outage_started), 0))
                pending = OutboxEvent.objects.filter(status="pending").count()
                failed_tries = sum(OutboxEvent.objects.values_list("tries", flat=True))
                bus.start()  # an empty server (no persistence): only what is published after recovery counts
                recovered = time.monotonic()
                for user, url in submit[6:]:  # after it
                    status, _ = call("PUT", url, user, {"action": "submit"})
                    assert status == 200
                wait_until(lambda: len(stream_event_ids(bus.port)) >= 8, 60, "every event published after recovery")
                recovery_seconds = time.monotonic() - recovered
                time.sleep(6)  # a duplicate (a re-driven claim, a second sweep) would show up now
                on_stream = stream_event_ids(bus.port)
    assert pending == 5, "the events of the outage waited in the outbox"
    assert failed_tries >= 5, "the publisher tried and failed during the outage"
    assert max(latencies) < 2, latencies  # the API does not wait for the bus
    rows = OutboxEvent.objects.filter(attempt_id__in=attempt_ids.values())
    assert rows.count() == len(users) and not rows.exclude(status="sent").exists()
    expected = {str(pk) for pk in rows.exclude(attempt_id=attempt_ids[users[0].pk]).values_list("pk", flat=True)}
    assert sorted(on_stream) == sorted(expected)  # each once: none lost, none twice
    print(
        f"event bus down {OUTAGE_SECONDS}s: API max {max(latencies) * 1000:.0f} ms, "
        f"{len(expected)} events on the stream once each, recovered in {recovery_seconds:.1f}s"
    )
