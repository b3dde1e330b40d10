"""Close codes as a browser sees them under both servers we ship: daphne (`make run`) and uvicorn (`run_asgi`).

daphne refuses 1003/1008/1009 from an application and the client then saw 1011; the consumers use application
codes (4003/4008/4009, 4404 for unknown paths), which both servers pass through unchanged.
"""

import asyncio
import json

import pytest
import websockets

from tests.monitoring.live import asgi_server, daphne_server, free_port, live_env, post_json, prepare


async def _close_code(url: str, frame) -> int:
    async with websockets.connect(url, max_size=None) as socket:
        if frame is not None:
            await socket.send(frame)
        try:
            while True:
                await asyncio.wait_for(socket.recv(), 10)
        except websockets.ConnectionClosed as closed:
            return closed.rcvd.code if closed.rcvd else closed.code


@pytest.mark.parametrize("server", ["daphne", "uvicorn"])
def test_refusals_arrive_with_their_application_close_codes(tmp_path, server):
    env = live_env(tmp_path, MONITORING_MAX_FRAME_BYTES="1000")
    seed = prepare(env)
    port = free_port()
    row = seed["learners"][0]

    def session_url():
        ticket = post_json(
            f"http://127.0.0.1:{port}/api/v1/proctoring/sessions/{row['session_id']}/ws_ticket", row["token"]
        )
        return f"ws://127.0.0.1:{port}{ticket['ws_path']}?ticket={ticket['ticket']}"

    async def scenario():
        assert await _close_code(f"ws://127.0.0.1:{port}/ws/nope/", None) == 4404
        assert await _close_code(session_url(), b"\x00binary") == 4003
        assert await _close_code(session_url(), json.dumps({"type": "hello", "data": {"x": "y" * 2000}})) == 4009

    starter = daphne_server(env, port) if server == "daphne" else asgi_server(env, port)
    with starter:
        asyncio.run(scenario())
