"""The proctor dashboard page in headless Chromium: a learner's anomaly shows up live; a button warns the learner."""

import asyncio
import json
import os

import pytest
import websockets

from tests.conftest import require_service
from tests.monitoring.cdp import Browser, chromium_path
from tests.monitoring.live import asgi_server, free_port, live_env, post_json, prepare


@pytest.fixture(autouse=True)
def _no_db():
    """The page is served by a real ASGI process (embedded defaults: in-memory layer) on its own database."""


def test_dashboard_page_shows_a_learner_anomaly_and_sends_a_warning(tmp_path):
    require_service("Chromium", chromium_path() is not None, "apt-get install -y chromium")
    env = live_env(tmp_path)
    seed = prepare(env, learners=1)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    (row,) = seed["learners"]
    sid = row["session_id"]
    header_payload, signature = seed["staff_token"].rsplit(".", 1)

    with asgi_server(env, port):
        browser = Browser()
        try:
            browser.call("Network.enable")
            for name, value in (
                ("edx-jwt-cookie-header-payload", header_payload),
                ("edx-jwt-cookie-signature", signature),
            ):
                browser.call("Network.setCookie", name=name, value=value, url=base, path="/")
            browser.call("Page.enable")
            browser.call("Page.navigate", url=f"{base}/monitoring/exams/{seed['exam_id']}/")
            browser.wait_for(
                "document.getElementById('status') && document.getElementById('status').dataset.state === 'live'"
            )
            assert browser.evaluate(f"!!document.getElementById('s-{sid}')")

            async def learner():
                ticket = post_json(f"{base}/api/v1/proctoring/sessions/{sid}/ws_ticket", row["token"])
                socket = await websockets.connect(f"ws://127.0.0.1:{port}{ticket['ws_path']}?ticket={ticket['ticket']}")
                await socket.send(json.dumps({"type": "hello", "data": {"client_id": "browser-test"}}))
                data = {"kind": "multiple_faces", "severity": 0.9, "client_seq": 1}
                await socket.send(json.dumps({"type": "anomaly", "data": data}))
                return socket

            loop = asyncio.new_event_loop()
            socket = loop.run_until_complete(learner())
            row_js = f"document.getElementById('s-{sid}')"
            browser.wait_for(f"{row_js}.classList.contains('severe')")
            assert "multiple_faces (0.90)" in browser.evaluate(f"{row_js}.querySelector('.anomalies').textContent")
            assert browser.evaluate(f"{row_js}.querySelector('.presence').textContent") == "online"
            browser.screenshot(tmp_path / "dashboard.png")
            if os.environ.get("MONITORING_SCREENSHOT"):
                (tmp_path / "dashboard.png").replace(os.environ["MONITORING_SCREENSHOT"])

            browser.evaluate("window.prompt = () => 'Please look at the screen'")
            browser.evaluate(f"{row_js}.querySelector('button[data-action=warn]').click()")

            async def warned():
                while True:
                    message = json.loads(await asyncio.wait_for(socket.recv(), 10))
                    if message["type"] == "command":
                        await socket.close()
                        return message

            command = loop.run_until_complete(warned())
            loop.close()
            assert command["data"]["action"] == "warn" and command["data"]["message"] == "Please look at the screen"
        finally:
            browser.close()
