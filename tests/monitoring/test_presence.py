"""Presence: heartbeats in the cache, the sweep turns silence into stale then offline (flagged, attempt untouched)."""

import asyncio
import time
from collections import Counter

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from channels.layers import InMemoryChannelLayer
from django.conf import settings as django_settings
from django.core.cache import cache
from django.core.cache.backends.locmem import LocMemCache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from exams import statuses
from exams.models import User
from monitoring import fanout, presence, services
from monitoring.demo import seed_live_exam
from monitoring.models import ProctoringSession, SessionEvent
from monitoring.tasks import sweep_presence
from tests.monitoring.conftest import (
    connect_dashboard,
    connect_learner,
    dashboard_ticket,
    learner_ticket,
    receive,
    receive_until,
    run,
    send,
)

pytestmark = pytest.mark.django_db(transaction=True)
sweep = database_sync_to_async(presence.sweep)


def test_silence_goes_stale_then_offline_and_a_heartbeat_brings_it_back(clients, learner, course_staff, session):
    staff, mine = dashboard_ticket(clients, course_staff, session.exam_id), learner_ticket(clients, learner, session.pk)

    async def scenario():
        dashboard, _ = await connect_dashboard(session.exam_id, staff)
        learner_socket, _ = await connect_learner(session.pk, mine)
        assert (await receive(dashboard))["data"]["kind"] == "online"
        start = time.time()
        await presence.beat(session.pk, now=start)
        in_time = {"stale": 0, "offline": 0, "ended": 0, "flagged": 0, "numbered": 0}
        assert await sweep(now=start + 10) == in_time
        assert await sweep(now=start + 26) == {"stale": 1, "offline": 0, "ended": 0, "flagged": 0, "numbered": 0}
        stale = await receive(dashboard)
        assert (stale["type"], stale["data"]) == ("presence", {"kind": "stale", "flagged": False})
        await send(learner_socket, "heartbeat", ts=1)  # the learner is back: online again, without a DB read
        await receive_until(learner_socket, "heartbeat_ack")
        assert (await receive(dashboard))["data"]["kind"] == "online"
        await presence.beat(session.pk, now=start)
        assert await sweep(now=start + 46) == {"stale": 0, "offline": 1, "ended": 0, "flagged": 0, "numbered": 0}
        offline = await receive(dashboard)
        assert offline["data"] == {"kind": "offline", "flagged": True}
        assert await database_sync_to_async(cache.get)(presence.heartbeat_key(session.pk)) is None  # cleaned up
        await learner_socket.disconnect()
        await dashboard.disconnect()

    run(scenario)
    session.refresh_from_db()
    assert session.flagged is True and session.presence == "offline"
    assert session.attempt.status == statuses.STARTED  # heartbeat loss flags; it never fails the exam
    kinds = list(SessionEvent.objects.filter(type="presence").order_by("seq").values_list("kind", flat=True))
    assert kinds == ["online", "stale", "online", "offline"]


def test_sweep_closes_sockets_of_attempts_that_ended_elsewhere(clients, learner, session, attempt):
    mine = learner_ticket(clients, learner, session.pk)

    async def scenario():
        learner_socket, _ = await connect_learner(session.pk, mine)

        def end_without_signals():  # e.g. a timer in another process, whose fan-out never reached us
            type(attempt).objects.filter(pk=attempt.pk).update(status=statuses.SUBMITTED)

        await database_sync_to_async(end_without_signals)()
        assert (await sweep())["ended"] == 1
        ended = await receive_until(learner_socket, "ended")
        assert ended["data"]["status"] == "submitted"

    run(scenario)
    assert ProctoringSession.objects.get(pk=session.pk).presence == "offline"


def test_beat_schedule_has_the_sweep_and_the_task_defers_to_the_inprocess_sweeper(settings, session):
    entry = django_settings.CELERY_BEAT_SCHEDULE["sweep-proctoring-presence"]
    assert entry["task"] == "monitoring.tasks.sweep_presence" and entry["schedule"] == 5.0
    settings.MONITORING_INPROCESS_SWEEPER = True
    assert sweep_presence.apply().result == "in-process"
    settings.MONITORING_INPROCESS_SWEEPER = False
    assert sweep_presence.apply().result == {"stale": 0, "offline": 0, "ended": 0, "flagged": 0, "numbered": 0}


def test_heartbeats_are_written_in_one_batch_per_flush_interval(clients, learner, session, settings, monkeypatch):
    settings.MONITORING_HEARTBEAT_FLUSH_SECONDS = 0.1
    mine = learner_ticket(clients, learner, session.pk)
    key = presence.heartbeat_key(session.pk)
    writes = []
    original = LocMemCache.set_many  # the test cache; every thread's instance shares its storage

    def counting_set_many(self, data, *args, **kwargs):
        writes.append(dict(data))
        return original(self, data, *args, **kwargs)

    async def scenario():
        learner_socket, _ = await connect_learner(session.pk, mine)
        await database_sync_to_async(cache.delete)(key)
        monkeypatch.setattr(LocMemCache, "set_many", counting_set_many)
        for beat in range(3):
            await send(learner_socket, "heartbeat", ts=beat)
            await receive_until(learner_socket, "heartbeat_ack")
        assert await database_sync_to_async(cache.get)(key) is None  # not yet written
        await asyncio.sleep(0.3)
        assert await database_sync_to_async(cache.get)(key) == pytest.approx(time.time(), abs=5)
        await learner_socket.disconnect()

    run(scenario)
    assert len(writes) == 1 and list(writes[0]) == [key]  # three beats, one write


class CountingLayer(InMemoryChannelLayer):
    """The in-memory layer, counting group sends per group (each is a Redis PUBLISH on the real layer)."""

    sends: Counter = Counter()

    async def group_send(self, group, message):
        CountingLayer.sends[group] += 1
        await super().group_send(group, message)


def test_sessions_going_stale_together_reach_a_dashboard_in_one_group_send(clients, course_staff, settings):
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "tests.monitoring.test_presence.CountingLayer"}}
    seed = seed_live_exam(course_id="course-v1:Stale+Burst+2026", name="Burst", learners=5, lms_user_id_base=70000)
    staff = dashboard_ticket(clients, User.objects.get(username=seed["staff_username"]), seed["exam_id"])
    for row in seed["learners"]:  # their sockets connected
        services.set_presence(session_id=row["session_id"], state="online")
    CountingLayer.sends.clear()

    async def scenario():
        dashboard, snapshot = await connect_dashboard(seed["exam_id"], staff)
        start = time.time()
        for row in seed["learners"]:
            await presence.beat(row["session_id"], now=start)
        counts = await sweep(now=start + 26)
        received = [await receive(dashboard) for _ in seed["learners"]]
        assert await dashboard.receive_nothing(0.2)  # once each
        await dashboard.disconnect()
        return snapshot, counts, received

    snapshot, counts, received = run(scenario)
    assert counts["stale"] == 5
    assert [message["seq"] for message in received] == list(range(snapshot["seq"] + 1, snapshot["seq"] + 6))
    assert {message["sid"] for message in received} == {row["session_id"] for row in seed["learners"]}
    assert CountingLayer.sends[fanout.exam_group(seed["exam_id"])] == 1  # not one per session


def test_a_stale_burst_is_written_in_a_constant_number_of_queries(settings):
    """Issue 16: 500 sessions going stale at once were 500 transactions before the first dashboard heard of it."""
    seed = seed_live_exam(course_id="course-v1:Stale+Bulk+2026", name="Bulk", learners=12, lms_user_id_base=71000)
    for row in seed["learners"]:
        services.set_presence(session_id=row["session_id"], state="online")
    start = time.time()
    for row in seed["learners"]:
        async_to_sync(presence.beat)(row["session_id"], now=start)
    with CaptureQueriesContext(connection) as ctx:
        counts = presence.sweep(now=start + 26)
    assert counts["stale"] == 12
    assert len(ctx.captured_queries) <= 12  # read, then one transaction for the exam's batch, then leftovers
    seqs = SessionEvent.objects.filter(exam_id=seed["exam_id"], type="presence", kind="stale").values_list("seq")
    assert sorted(seq for (seq,) in seqs) == list(range(min(seqs)[0], min(seqs)[0] + 12))
