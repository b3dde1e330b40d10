"""The dashboard page in headless Chromium against a real ASGI server: sign in by cookie, learners on sockets,
screenshots kept in test-artifacts/monitoring/ (gitignored) for a person to look at."""

import asyncio
import json
from pathlib import Path

import websockets

from tests.monitoring.cdp import Browser
from tests.monitoring.live import ROOT, post_json

ARTIFACTS = ROOT / "test-artifacts" / "monitoring"


class DashboardPage:
    def __init__(self, base: str, seed: dict):
        self.base, self.seed = base, seed
        self.browser = Browser()
        self.loop = asyncio.new_event_loop()
        self.sockets = []
        header_payload, signature = seed["staff_token"].rsplit(".", 1)
        self.browser.call("Network.enable")
        for name, value in (("edx-jwt-cookie-header-payload", header_payload), ("edx-jwt-cookie-signature", signature)):
            self.browser.call("Network.setCookie", name=name, value=value, url=base, path="/")
        self.browser.call("Network.disable")  # its events (one per socket frame) would flood this client
        self.browser.call(
            "Emulation.setDeviceMetricsOverride", width=1400, height=900, deviceScaleFactor=1, mobile=False
        )
        self.browser.call("Page.enable")

    def open(self) -> None:
        self.browser.call("Page.navigate", url=f"{self.base}/monitoring/exams/{self.seed['exam_id']}/")
        self.wait_for("document.getElementById('status') && document.getElementById('status').dataset.state === 'live'")

    def js(self, expression: str):
        return self.browser.evaluate(expression)

    def wait_for(self, expression: str, timeout: float = 15):
        return self.browser.wait_for(expression, timeout)

    def set_value(self, element_id: str, value: str, event: str) -> None:
        """Set a control's value and fire the event a person's input would (no page globals declared)."""
        element = f"document.getElementById({json.dumps(element_id)})"
        self.js(f"{element}.value = {json.dumps(value)}; {element}.dispatchEvent(new Event({json.dumps(event)}))")

    def row_text(self, sid: str, cell: str) -> str:
        return self.js(f"document.getElementById('s-{sid}').querySelector('.{cell}').textContent")

    def visible_sids(self) -> list[str]:
        return self.js("Array.from(document.querySelectorAll('#sessions tr[data-sid]')).map(r => r.dataset.sid)")

    def screenshot(self, name: str) -> Path:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        self.browser.screenshot(path)
        return path

    # --- learners ------------------------------------------------------------------------------------
    def learner_socket(self, index: int):
        row = self.seed["learners"][index]

        async def connect():
            ticket = post_json(f"{self.base}/api/v1/proctoring/sessions/{row['session_id']}/ws_ticket", row["token"])
            port = self.base.rsplit(":", 1)[1]
            socket = await websockets.connect(f"ws://127.0.0.1:{port}{ticket['ws_path']}?ticket={ticket['ticket']}")
            await socket.send(json.dumps({"type": "hello", "data": {"client_id": f"browser-{index}"}}))
            self.sockets.append(socket)
            return socket

        return self.run(connect())

    def send(self, socket, type_: str, **data) -> None:
        self.run(socket.send(json.dumps({"type": type_, "data": data})))

    def receive(self, socket, type_: str) -> dict:
        async def until():
            while True:
                message = json.loads(await asyncio.wait_for(socket.recv(), 10))
                if message["type"] == type_:
                    return message

        return self.run(until())

    def run(self, coroutine):
        return self.loop.run_until_complete(coroutine)

    def close(self) -> None:
        for socket in self.sockets:
            self.run(socket.close())
        self.loop.close()
        self.browser.close()
