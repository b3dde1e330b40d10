"""Two ASGI server processes on the Redis channel layer (real Redis): fan-out crosses processes both ways."""

import asyncio
import json
import os
import uuid

import pytest
import redis
import websockets

from tests.conftest import redis_up, require_service
from tests.monitoring.live import asgi_server, free_port, live_env, post_json, prepare

REDIS_URL = os.environ.get("MONITORING_TEST_REDIS_URL", "redis://127.0.0.1:6379/14")


async def _json(ws, type_, timeout=10):
    while True:
        message = json.loads(await asyncio.wait_for(ws.recv(), timeout))
        if message["type"] == type_:
            return message


def test_learners_on_one_process_reach_a_dashboard_on_another(tmp_path):
    require_service("Redis", redis_up(REDIS_URL), f"start redis-server ({REDIS_URL})")
    prefix = f"xproc-{uuid.uuid4().hex[:8]}"
    env = live_env(tmp_path, REDIS_URL=REDIS_URL, CHANNEL_LAYER_PREFIX=prefix, CACHE_KEY_PREFIX=prefix)
    seed = prepare(env, learners=3)
    port_a, port_b = free_port(), free_port()
    exam_id = seed["exam_id"]

    async def scenario():
        base_a, base_b = f"http://127.0.0.1:{port_a}", f"http://127.0.0.1:{port_b}"
        dash = post_json(f"{base_b}/api/v1/proctoring/monitor/exams/{exam_id}/ws_ticket", seed["staff_token"])
        dashboard = await websockets.connect(f"ws://127.0.0.1:{port_b}{dash['ws_path']}?ticket={dash['ticket']}")
        assert (await _json(dashboard, "snapshot"))["data"]["exam_id"] == exam_id
        learners = []
        for row in seed["learners"]:
            url = f"{base_a}/api/v1/proctoring/sessions/{row['session_id']}/ws_ticket"
            ticket = post_json(url, row["token"])
            socket = await websockets.connect(f"ws://127.0.0.1:{port_a}{ticket['ws_path']}?ticket={ticket['ticket']}")
            await socket.send(json.dumps({"type": "hello", "data": {"client_id": "x"}}))
            await _json(socket, "welcome")
            learners.append((row["session_id"], socket))
        for client_seq in range(1, 6):
            for _, socket in learners:
                data = {"kind": "gaze_away", "severity": 0.4, "client_seq": client_seq}
                await socket.send(json.dumps({"type": "anomaly", "data": data}))
                await _json(socket, "ack")
        seen = []
        while len([m for m in seen if m["type"] == "anomaly"]) < 15:
            seen.append(json.loads(await asyncio.wait_for(dashboard.recv(), 10)))
        seqs = [message["seq"] for message in seen]
        assert seqs == sorted(seqs) and len(set(seqs)) == len(seqs)  # contiguous order across processes
        assert {m["sid"] for m in seen if m["type"] == "presence"} == {sid for sid, _ in learners}
        # and back: a command from the dashboard process reaches the learner's process
        first_sid, first_socket = learners[0]
        command = {"session_id": first_sid, "action": "warn", "message": "cross-process"}
        await dashboard.send(json.dumps({"type": "command", "data": command}))
        warn = await _json(first_socket, "command")
        assert warn["data"] == {"action": "warn", "message": "cross-process", "by": seed["staff_username"]}
        for _, socket in learners:
            await socket.close()
        await dashboard.close()

    with asgi_server(env, port_a), asgi_server(env, port_b):
        asyncio.run(scenario())
    client = redis.Redis.from_url(REDIS_URL)
    for key in client.scan_iter(f"*{prefix}*"):
        client.delete(key)


@pytest.fixture(autouse=True)
def _no_db():
    """These tests use their own database file through the server processes."""
