"""Gunicorn stopped while learners' status events wait in its numbering window (`monitoring/late_numbering.py`,
the window made long enough to hold them). Stopped gracefully (SIGTERM), the worker numbers and sends them on its
way out, with no sweep running. Killed (SIGKILL), it leaves them committed and unnumbered, and the presence sweep
(Celery beat and a worker) numbers and sends them. Either way every event is numbered once, without gaps, and
dashboards receive each once."""

import os
import signal
import threading

import redis
from channels_redis.pubsub import RedisPubSubChannelLayer

from monitoring import fanout, sequencer
from monitoring.direct_publish import group_channel
from monitoring.models import STATUS, SessionEvent
from settings.base import channel_layers
from tests.faults.conftest import FAULT_TEST, call, learners, start_attempts
from tests.faults.processes import celery, gunicorn, process_env, redis_server, wait_until

LEARNERS = 4
WINDOW_MS = 6000

pytestmark = FAULT_TEST


class GroupListener:
    """The seqs of every event published to an exam's dashboards (the layer's own channel and encoding)."""

    def __init__(self, layer_url: str, exam_id: int):
        config = channel_layers(layer_url)["default"]["CONFIG"]
        self.decoder = RedisPubSubChannelLayer(**config)
        self.pubsub = redis.Redis.from_url(layer_url).pubsub()
        self.pubsub.subscribe(group_channel(config, fanout.exam_group(exam_id)))
        self.seqs: list[int] = []
        self.thread = threading.Thread(target=self._listen, daemon=True)
        self.thread.start()

    def _listen(self) -> None:
        try:
            for item in self.pubsub.listen():
                if item["type"] == "message":
                    self._received(self.decoder.deserialize(item["data"]))
        except (redis.ConnectionError, ValueError):  # closed by close()
            return

    def _received(self, message: dict) -> None:
        if message["type"] == "monitor.events":
            self.seqs += [seq for seq, _ in message["events"]]
        else:
            self.seqs.append(message["seq"])

    def close(self) -> None:
        self.pubsub.close()


def unnumbered(exam_id: int) -> int:
    return SessionEvent.objects.filter(exam_id=exam_id, seq__isnull=True).count()


def act_all(base: str, users, attempt_ids: dict, action: str) -> None:
    for user in users:
        status, reply = call("PUT", f"{base}/exams/attempt/{attempt_ids[user.pk]}", user, {"action": action})
        assert status == 200, reply


def test_web_worker_stopped_or_killed_with_numbering_queued(database_name, http_port, redis_port, log_dir, timed_exam):
    exam_id = timed_exam.pk
    with redis_server(redis_port, log_dir) as server:
        layer_url, broker_url = server.url, server.url.replace("/0", "/1")
        env = process_env(
            database_name,
            REDIS_URL=layer_url,
            CELERY_BROKER_URL=broker_url,
            MONITORING_NUMBERING_WINDOW_MS=str(WINDOW_MS),
        )
        listener = GroupListener(layer_url, exam_id)
        base = f"http://127.0.0.1:{http_port}/api/v1"
        users = learners(LEARNERS, prefix="numbering")
        try:
            with gunicorn(http_port, env, log_dir, workers=1) as web:
                attempt_ids = start_attempts(base, users, exam_id)
                wait_until(lambda: unnumbered(exam_id) == 0 and SessionEvent.objects.exists(), 30, "the starts")
                act_all(base, users, attempt_ids, "stop")
                assert unnumbered(exam_id) == LEARNERS  # queued in the worker's window
                web.send_signal(signal.SIGTERM)  # graceful: the master stops its worker
                web.wait(30)
                assert unnumbered(exam_id) == 0, "the worker exited without numbering its queued events"
                stopped_seqs = sorted(SessionEvent.objects.filter(exam_id=exam_id).values_list("seq", flat=True))
                wait_until(lambda: set(stopped_seqs) <= set(listener.seqs), 10, "the stops on the dashboards")

            with gunicorn(http_port, env, log_dir, workers=1) as web:
                act_all(base, users, attempt_ids, "start")
                assert unnumbered(exam_id) == LEARNERS
                os.killpg(web.pid, signal.SIGKILL)  # no exit handler runs
                web.wait(10)
            assert unnumbered(exam_id) == LEARNERS  # committed, waiting for the sweep
            with celery("beat", env, log_dir), celery("worker", env, log_dir, "-c", "1"):
                wait_until(lambda: unnumbered(exam_id) == 0, 60, "the sweep to number what the killed worker left")
                seqs = sorted(SessionEvent.objects.filter(exam_id=exam_id).values_list("seq", flat=True))
                wait_until(lambda: set(seqs) <= set(listener.seqs), 10, "the resumes on the dashboards")
        finally:
            listener.close()
    assert seqs == list(range(1, len(seqs) + 1))  # every event once, no gaps
    statuses = SessionEvent.objects.filter(exam_id=exam_id, type=STATUS).order_by("seq")
    for session_id in {event.session_id for event in statuses}:
        kinds = [event.kind for event in statuses if event.session_id == session_id]
        assert kinds == ["started", "ready_to_submit", "started"]  # numbered in commit order
    assert sorted(listener.seqs) == seqs  # each sent once (the starts' too)
    assert sequencer.exams_with_pending() == []
