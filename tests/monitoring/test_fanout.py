"""Sends from sync code (WSGI requests, Celery, the sweep): published from the calling thread or through the
per-process publisher thread (`monitoring.direct_publish`, tests/monitoring/test_direct_publish.py)."""

import asyncio

import pytest
from asgiref.sync import sync_to_async

from monitoring import fanout


def envelope(seq: int) -> dict:
    return {"v": 1, "type": "anomaly", "sid": "s", "seq": seq, "ts": 0, "data": {"kind": "gaze_away"}}


@pytest.mark.parametrize("direct_timeout", [0.25, 0], ids=["direct-publish", "publisher-thread"])
def test_sync_sends_reach_redis_subscribers_in_order(redis_layer, settings, thread_sends, direct_timeout):
    settings.CHANNEL_LAYER_DIRECT_PUBLISH_TIMEOUT_SECONDS = direct_timeout
    assert fanout.flush(10)  # an earlier test's sends still queued would keep these on the thread, in order

    async def scenario():
        channel = await redis_layer.new_channel()
        await redis_layer.group_add(fanout.exam_group(4242), channel)

        def send_from_a_request_thread():
            for seq in range(1, 31):
                fanout.to_exam_sync(4242, envelope(seq))
            fanout.to_session_sync("abc", "session.ended", status="submitted", reason="submit")
            assert fanout.flush(10)

        await sync_to_async(send_from_a_request_thread, thread_sensitive=False)()
        received = [await asyncio.wait_for(redis_layer.receive(channel), 5) for _ in range(30)]
        await redis_layer.group_discard(fanout.exam_group(4242), channel)
        return received

    received = asyncio.run(scenario())
    assert [message["seq"] for message in received] == list(range(1, 31))  # one publisher, submission order
    assert all(message["type"] == "monitor.event" for message in received)
    assert received[0]["text"] == '{"v":1,"type":"anomaly","sid":"s","seq":1,"ts":0,"data":{"kind":"gaze_away"}}'
    # direct: one PUBLISH of the layer's own channel name and encoding from the calling thread, no thread hop
    assert thread_sends == ([] if direct_timeout else list(range(1, 31)))


def test_a_failing_send_is_logged_and_the_next_one_still_goes(redis_layer, caplog, monkeypatch, settings):
    settings.CHANNEL_LAYER_DIRECT_PUBLISH_TIMEOUT_SECONDS = 0  # every send through the publisher thread
    calls = []

    async def failing_once(exam_id, envelope):
        calls.append(envelope["seq"])
        if envelope["seq"] == 1:
            raise ConnectionError("redis went away")

    monkeypatch.setattr(fanout, "to_exam", failing_once)
    fanout.to_exam_sync(1, envelope(1))
    fanout.to_exam_sync(1, envelope(2))
    assert fanout.flush(10)
    assert calls == [1, 2]
    assert "Fan-out of event 1 to exam 1 failed" in caplog.text
