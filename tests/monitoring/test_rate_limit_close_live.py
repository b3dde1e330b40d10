"""A rate-limit close under uvicorn (`run_asgi`) is one close: frames the client had in flight when the consumer
closed must not make it send a second `websocket.close`, which uvicorn logs as an ASGI error."""

import asyncio
import json

import websockets

from tests.monitoring.live import asgi_server, free_port, live_env, post_json, prepare

SECOND_CLOSE_SIGNS = ("Unexpected ASGI message", "Exception in ASGI application", "Traceback", "ERROR")


async def _flood_until_closed(url: str) -> int:
    """Send heartbeats without waiting for answers, well past the drop limit; the close code the server sent."""
    frame = json.dumps({"type": "heartbeat", "data": {}})
    async with websockets.connect(url) as socket:
        try:
            for _ in range(200):  # many frames are still in flight when the server closes
                await socket.send(frame)
            while True:
                await asyncio.wait_for(socket.recv(), 10)
        except websockets.ConnectionClosed as closed:
            return closed.rcvd.code if closed.rcvd else closed.code


def test_a_rate_limit_close_is_logged_by_uvicorn_as_nothing_but_one_close(tmp_path):
    env = live_env(
        tmp_path, MONITORING_RATE_PER_SECOND="0.001", MONITORING_RATE_BURST="2", MONITORING_RATE_MAX_DROPS="3"
    )
    row = prepare(env)["learners"][0]
    port, log = free_port(), tmp_path / "uvicorn.log"

    async def scenario():
        codes = []
        for _ in range(3):
            ticket = post_json(
                f"http://127.0.0.1:{port}/api/v1/proctoring/sessions/{row['session_id']}/ws_ticket", row["token"]
            )
            codes.append(
                await _flood_until_closed(f"ws://127.0.0.1:{port}{ticket['ws_path']}?ticket={ticket['ticket']}")
            )
        return codes

    with asgi_server(env, port, log=log):
        codes = asyncio.run(scenario())
    assert codes == [4008, 4008, 4008]
    text = log.read_text()
    assert not [sign for sign in SECOND_CLOSE_SIGNS if sign in text], text
