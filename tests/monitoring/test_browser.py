"""The proctor dashboard in headless Chromium (a real ASGI server, real learner sockets): counts, filter, sort
and search; one learner's timeline with its live tail; a warning sent → delivered → acknowledged; commands
refused for a submitted attempt; terminate with confirmation and a reason; offline as soon as a socket closes.
Screenshots go to test-artifacts/monitoring/."""

import json
import urllib.request

import pytest

from tests.conftest import require_service
from tests.monitoring.browser_page import DashboardPage
from tests.monitoring.cdp import chromium_path
from tests.monitoring.live import asgi_server, free_port, live_env, prepare


@pytest.fixture(autouse=True)
def _no_db():
    """The page is served by a real ASGI process (embedded defaults: in-memory layer) on its own database."""


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    require_service("Chromium", chromium_path() is not None, "apt-get install -y chromium")
    env = live_env(tmp_path_factory.mktemp("browser"))
    seed = prepare(env, learners=5)
    port = free_port()
    with asgi_server(env, port):
        dashboard = DashboardPage(f"http://127.0.0.1:{port}", seed)
        try:
            dashboard.open()
            yield dashboard
        finally:
            dashboard.close()


TIMELINE_HAS = "Array.from(document.querySelectorAll('#timeline li')).some(li => li.textContent.includes('%s'))"


def sid(page, index: int) -> str:
    return page.seed["learners"][index]["session_id"]


def submit_over_rest(page, index: int) -> None:
    row = page.seed["learners"][index]
    request = urllib.request.Request(
        f"{page.base}/api/v1/exams/attempt/{row['attempt_id']}",
        method="PUT",
        data=json.dumps({"action": "submit"}).encode(),
        headers={"Authorization": f"JWT {row['token']}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 200


def test_counts_filter_sort_and_search(page):
    first, second, third = (page.learner_socket(i) for i in range(3))
    page.send(first, "anomaly", kind="multiple_faces", severity=0.9, client_seq=1, evidence="2 faces in frame")
    page.send(first, "anomaly", kind="phone_detected", severity=0.8, client_seq=2)
    page.send(second, "anomaly", kind="gaze_away", severity=0.3, client_seq=1)
    page.wait_for("document.getElementById('count-online').textContent === '3'")
    page.wait_for(f"document.getElementById('s-{sid(page, 0)}').querySelector('.risk').textContent.startsWith('1.7')")
    assert page.js("document.getElementById('count-offline').textContent") == "2"
    assert page.row_text(sid(page, 0), "risk").endswith("high")  # a word, not only a colour
    assert page.row_text(sid(page, 0), "presence") == "● online"

    page.set_value("sort", "risk", "change")
    page.wait_for(f"document.querySelector('#sessions tr[data-sid]').dataset.sid === '{sid(page, 0)}'")
    assert page.visible_sids()[:2] == [sid(page, 0), sid(page, 1)]
    assert page.js("document.querySelector('th[data-sort=risk]').getAttribute('aria-sort')") == "descending"

    page.set_value("sort", "presence", "change")
    offline = {sid(page, 3), sid(page, 4)}
    assert set(page.visible_sids()[:2]) == offline  # offline first: who needs attention

    page.js("document.querySelector('#counts button[data-filter=online]').click()")
    assert set(page.visible_sids()) == {sid(page, i) for i in range(3)}
    assert page.js("document.getElementById('shown').textContent") == "3 of 5 learners shown"
    username = page.js(f"document.getElementById('s-{sid(page, 2)}').querySelector('.who button').textContent")
    page.set_value("search", username[-3:], "input")
    assert page.visible_sids() == [sid(page, 2)]
    page.screenshot("filter-sort-search")
    page.set_value("search", "", "input")
    page.js("document.querySelector('#counts button[data-filter=online]').click()")  # pressed again: all
    assert len(page.visible_sids()) == 5


def test_timeline_of_one_learner_with_the_live_tail(page):
    first = page.sockets[0]
    page.js(f"document.getElementById('s-{sid(page, 0)}').querySelector('.who button').click()")
    page.wait_for("document.getElementById('timeline').dataset.loaded === 'true'")
    items = page.js("Array.from(document.querySelectorAll('#timeline li')).map(li => li.textContent)")
    assert any("Status:" in item and "started" in item for item in items)
    assert any("Presence:online" in item.replace(" ", "") for item in items)
    anomaly = next(item for item in items if "multiple_faces" in item)
    assert "confidence 0.90" in anomaly and "Evidence: 2 faces in frame" in anomaly
    assert page.js("document.activeElement.id") == "detail-title"  # keyboard users land in the panel
    page.send(first, "anomaly", kind="tab_hidden", severity=0.6, client_seq=3, evidence="left for 12 s")
    page.wait_for(
        "Array.from(document.querySelectorAll('#timeline li')).some(li => li.textContent.includes('tab_hidden'))"
    )
    last = page.js("document.querySelector('#timeline li:last-child').textContent")
    assert "tab_hidden" in last and "left for 12 s" in last
    assert page.js("document.getElementById('detail-time').textContent").count(":") >= 1  # a running clock
    page.screenshot("timeline")


def test_warning_is_delivered_then_acknowledged(page):
    first = page.sockets[0]
    buttons = page.js("Array.from(document.querySelectorAll('#detail-commands button')).map(b => b.dataset.action)")
    assert buttons == ["warn", "pause", "terminate"]
    page.js("document.querySelector('#detail-commands button[data-action=warn]').click()")
    assert page.js("document.getElementById('warn-dialog').open") is True
    page.js("document.getElementById('warn-message').value = 'Please put the phone away'")
    page.js("document.getElementById('warn-send').click()")
    command = page.receive(first, "command")
    assert command["data"] == {
        "action": "warn",
        "message": "Please put the phone away",
        "by": page.seed["staff_username"],
    }
    warn_item = f"document.querySelector('#timeline li[data-seq=\"{command['seq']}\"]')"
    page.wait_for(f"{warn_item} && {warn_item}.dataset.state === 'delivered'")
    assert page.row_text(sid(page, 0), "command") == "warn · delivered"
    page.send(first, "ack", seq=command["seq"])
    page.wait_for(f"{warn_item}.dataset.state === 'acknowledged'")
    assert "warn · acknowledged" in page.js(f"{warn_item}.textContent")
    page.wait_for(
        f"document.getElementById('s-{sid(page, 0)}').querySelector('.command').textContent === 'warn · acknowledged'"
    )
    page.screenshot("command-acknowledged")


def test_pause_then_terminate_with_confirmation_and_reason(page):
    page.js("document.querySelector('#detail-commands button[data-action=pause]').click()")
    page.wait_for("document.getElementById('detail-time').textContent.includes('paused')")
    buttons = page.js("Array.from(document.querySelectorAll('#detail-commands button')).map(b => b.dataset.action)")
    assert buttons == ["warn", "resume", "terminate"]
    page.js("document.querySelector('#detail-commands button[data-action=terminate]').click()")
    assert page.js("document.getElementById('terminate-dialog').open") is True
    page.js("document.getElementById('terminate-confirm').click()")  # no reason: the form does not close
    assert page.js("document.getElementById('terminate-dialog').open") is True
    page.js("document.getElementById('terminate-reason').value = 'Second person in the room'")
    page.js("document.getElementById('terminate-confirm').click()")
    page.wait_for(f"document.getElementById('s-{sid(page, 0)}').querySelector('.status').textContent === 'error'")
    page.wait_for("document.getElementById('detail-commands').textContent.includes('No commands')")
    page.wait_for(TIMELINE_HAS % "Second person in the room")
    assert page.js("document.getElementById('count-error').textContent") == "1"


def test_commands_are_refused_for_a_submitted_attempt(page):
    submit_over_rest(page, 1)
    row = f"document.getElementById('s-{sid(page, 1)}')"
    page.wait_for(f"{row}.querySelector('.status').textContent === 'submitted'")
    page.wait_for(f"{row}.querySelector('.presence').textContent === '○ offline'")  # the server closed its socket
    assert page.js("document.getElementById('count-submitted').textContent") == "1"
    page.js(f"{row}.querySelector('.who button').click()")
    page.wait_for("document.getElementById('detail-commands').textContent === 'No commands: the attempt is submitted.'")
    assert page.js("document.getElementById('detail-time').textContent").startswith("—")
    # a stale client (or a crafted frame) asking anyway is refused by the server, and the page says so
    page.js(f"window.proctorDashboard.sendCommand('{sid(page, 1)}', 'pause')")
    page.wait_for("document.getElementById('command-feedback').textContent.includes('failed')")
    feedback = page.js("document.getElementById('command-feedback').textContent")
    assert feedback == 'pause failed: Cannot pause: the attempt is not in progress ("submitted").'
    page.screenshot("command-refused-submitted")


def test_presence_goes_offline_when_the_socket_closes(page):
    third = page.sockets[2]
    row = f"document.getElementById('s-{sid(page, 2)}')"
    assert page.js(f"{row}.querySelector('.presence').textContent") == "● online"
    page.run(third.close())
    page.wait_for(f"{row}.querySelector('.presence').textContent === '○ offline'", timeout=5)  # not the sweep's 45 s
    page.js(f"{row}.querySelector('.who button').click()")
    page.wait_for(
        "Array.from(document.querySelectorAll('#timeline li')).some(li => li.textContent.includes('offline'))"
    )
    page.screenshot("presence-offline")
