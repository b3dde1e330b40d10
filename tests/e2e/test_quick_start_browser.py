"""The README's quick start, in order, as a newcomer does it: `make run`'s server (settings.local, demo data), the
try-it calls, the proctored demo in headless Chromium end to end, reset, the dashboard sign-in through /dev/login and
a live anomaly on the dashboard. Screenshots go to test-artifacts/quick-start/."""

import asyncio
import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
import websockets

from tests.conftest import require_service
from tests.monitoring.cdp import Browser, chromium_path
from tests.monitoring.live import free_port

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts" / "quick-start"


@pytest.fixture(autouse=True)
def _no_db():
    """The server is a real process on its own SQLite file, like `make run`."""


def _call(url, token, body=None):
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method="POST" if data else "GET")
    request.add_header("Authorization", f"JWT {token}")
    request.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


class Page:
    """The browser tab, with waits that survive navigations."""

    def __init__(self, browser: Browser):
        self.browser = browser
        self.shots = 0

    def value(self, expression):
        try:
            return self.browser.evaluate(expression)
        except RuntimeError:  # the page is navigating
            return None

    def wait(self, expression, timeout=30):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.value(expression):
                return
            time.sleep(0.2)
        raise AssertionError(f"timed out waiting for {expression}; page: {self.value('document.body.innerText')!r}")

    def text(self) -> str:
        return self.value("document.body ? document.body.innerText : ''") or ""

    def go(self, url):
        self.browser.call("Page.navigate", url=url)
        self.wait(f"location.href === {json.dumps(url)} && document.readyState === 'complete'")

    def click(self, selector):
        assert self.value(f"!!document.querySelector({json.dumps(selector)})"), f"{selector} missing: {self.text()!r}"
        self.browser.evaluate(f"document.querySelector({json.dumps(selector)}).click()")

    def shot(self, name):
        self.shots += 1
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        self.browser.screenshot(ARTIFACTS / f"{self.shots:02d}-{name}.png")


def _make_run_server(tmp_path, port):
    """What `make run` does: migrate, load_demo_data (its printout), then daphne's runserver."""
    base = f"http://127.0.0.1:{port}"
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DATABASE_URL", "REDIS_URL"))}
    env.update(
        DJANGO_SETTINGS_MODULE="settings.local",
        DATABASE_URL=f"sqlite:///{tmp_path / 'quick-start.sqlite3'}",
        EXAMS_SERVICE_URL=base,
        PYTHONPATH=str(ROOT),
    )
    run = dict(cwd=ROOT, env=env, check=True, capture_output=True, text=True, timeout=300)
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], **run)
    printout = subprocess.run([sys.executable, "manage.py", "load_demo_data"], **run).stdout
    command = [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"]
    server = subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True, stdout=subprocess.DEVNULL)
    deadline = time.time() + 90
    while True:
        try:
            urllib.request.urlopen(f"{base}/health/", timeout=2)
            return server, base, printout
        except OSError:
            if server.poll() is not None or time.time() > deadline:
                os.killpg(server.pid, signal.SIGKILL)
                raise RuntimeError("the make-run server did not come up") from None
            time.sleep(0.3)


@pytest.mark.skipif(
    os.environ.get("TEST_DATABASE", "sqlite") != "sqlite",
    reason="runs its own SQLite server process like `make run`: once, in the SQLite pass of .ci/run",
)
def test_readme_quick_start_in_order(tmp_path):
    require_service("Chromium", chromium_path() is not None, "apt-get install -y chromium")
    server, base, printout = _make_run_server(tmp_path, free_port())
    tokens = dict(re.findall(r"^\s+(\w+)\s+Authorization: JWT (\S+)$", printout, re.M))
    dashboard = re.search(r"Dashboard: (\S+)", printout).group(1)
    browser = Browser()
    page = Page(browser)
    try:
        browser.call("Page.enable")
        # 1. Try the API as timed_learner
        created = _call(f"{base}/api/v1/exams/attempt", tokens["timed_learner"], {"exam_id": 1, "start_clock": "true"})
        latest = _call(f"{base}/api/v1/exams/attempt/latest", tokens["timed_learner"])
        assert latest["attempt_id"] == created["exam_attempt_id"] and latest["attempt_status"] == "started"

        page.go(f"{base}/")
        assert "Demo proctoring tool" in page.text() and "API documentation" in page.text()
        page.shot("start-page")

        # 2. The proctored demo end to end, not blocked by the quick try
        page.go(f"{base}/lti/demo_tool/")
        page.click("#begin")
        page.wait("document.body.innerText.includes('LtiStartProctoring received and validated')")
        page.shot("tool-validated-the-launch")
        page.click("form[action*='start_proctoring_assessment'] button, form button")
        page.wait(
            "document.getElementById('status') && document.getElementById('status').textContent === 'ready_to_start'"
        )
        assert browser.evaluate("location.href") == f"{base}/lti/demo_tool/"  # back on our page, not an MFE
        page.click("#start-exam")
        page.wait("document.getElementById('status') && document.getElementById('status').textContent === 'started'")
        page.shot("exam-started")
        page.click("#end-exam")
        page.wait("document.body.innerText.includes('LtiEndAssessment received and validated')")
        page.click("#demo-home")
        page.wait("document.getElementById('status') && document.getElementById('status').textContent === 'submitted'")
        page.shot("exam-submitted")

        # Reset the demo, then take it again so there is a live session to watch
        page.click("#reset-demo")
        page.wait("!!document.getElementById('reset-done')")
        assert page.value("document.getElementById('status').textContent") == "none yet"
        page.shot("demo-reset")
        page.click("#begin")
        page.wait("document.body.innerText.includes('LtiStartProctoring received and validated')")
        page.click("form button")
        page.wait(
            "document.getElementById('status') && document.getElementById('status').textContent === 'ready_to_start'"
        )
        page.click("#start-exam")
        page.wait("document.getElementById('status') && document.getElementById('status').textContent === 'started'")
        attempt_id = int(re.search(r"#(\d+)", page.text()).group(1))

        # 3. The dashboard: sign in through /dev/login (the printed URL), then a learner's anomaly shows up live
        browser.call("Page.navigate", url=dashboard)
        page.wait("location.pathname.startsWith('/monitoring/exams/') && document.readyState === 'complete'")
        page.wait("/Demo Learner|\\blearner\\b/.test(document.body.innerText)")  # the learner's session is listed
        page.shot("dashboard-signed-in")

        async def learner_reports_an_anomaly():
            session = _call(f"{base}/api/v1/proctoring/sessions", tokens["learner"], {"attempt_id": attempt_id})
            ticket = _call(
                f"{base}/api/v1/proctoring/sessions/{session['session_id']}/ws_ticket", tokens["learner"], {}
            )
            url = f"ws://127.0.0.1:{base.rsplit(':', 1)[1]}{ticket['ws_path']}?ticket={ticket['ticket']}"
            async with websockets.connect(url) as socket:
                await socket.send(json.dumps({"type": "hello", "data": {"client_id": "quick-start"}}))
                anomaly = {"kind": "multiple_faces", "severity": 0.9, "client_seq": 1}
                await socket.send(json.dumps({"type": "anomaly", "data": anomaly}))
                await asyncio.to_thread(page.wait, "document.body.innerText.includes('multiple_faces')")

        asyncio.run(learner_reports_an_anomaly())
        page.shot("dashboard-live-anomaly")
    finally:
        browser.close()
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
