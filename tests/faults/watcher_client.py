"""One grader process behaving like xqueue-watcher's XQueueClient (its protocol, not its code).

The watcher uses a requests session with one short timeout (REQUESTS_TIMEOUT, 1 s by default) for every call.
Logging in, it clears its cookies, GETs /xqueue/login/ for the CSRF cookie, then POSTs the form with Referer
and X-CSRFToken. An exception there (a timeout) is not caught: the client thread dies and its manager shuts the
whole watcher down. A refused login is retried every 5 s. Polling calls get_submission; a timeout there is
survived, and a redirect to the login page means one re-login.

Run as `python -m tests.faults.watcher_client --server URL --username NAME --queue Q` with the secret in
WATCHER_SECRET; it prints one JSON line and exits 0 (logged in first time, polled), 1 (login refused) or
2 (died: an exception during login, like the watcher).
"""

import argparse
import json
import os
import sys
import time

import requests

TIMEOUT = 1.0  # xqueue-watcher's REQUESTS_TIMEOUT default


class Grader:
    def __init__(self, server: str, username: str, password: str, timeout: float):
        self.server, self.username, self.password, self.timeout = server, username, password, timeout
        self.session = requests.Session()
        self.relogins = 0
        self.slowest = 0.0  # seconds, the slowest request answered

    def request(self, method: str, url: str, **kwargs) -> requests.Response:
        started = time.monotonic()
        response = self.session.request(method, url, timeout=self.timeout, **kwargs)
        self.slowest = max(self.slowest, time.monotonic() - started)
        return response

    def login(self) -> bool:
        url = self.server + "/xqueue/login/"
        self.session.cookies.clear()
        self.session.headers.pop("X-CSRFToken", None)
        self.request("GET", url)
        headers = {"Referer": url}
        token = self.session.cookies.get("csrftoken")
        if token:
            headers["X-CSRFToken"] = token
        form = {"username": self.username, "password": self.password}
        response = self.request("POST", url, data=form, headers=headers)
        if response.status_code != 200:
            return False
        self.session.headers["Referer"] = self.server
        token = self.session.cookies.get("csrftoken")
        if token:
            self.session.headers["X-CSRFToken"] = token
        return response.json()["return_code"] == 0

    def call(self, path: str, **params) -> dict | None:
        """GET with one re-login on a redirect/401/403, as the watcher does; the envelope or None."""
        for attempt in range(2):
            response = self.request("GET", self.server + path, params=params, allow_redirects=False)
            if response.status_code == 200:
                return response.json()
            if response.status_code not in (301, 302, 401, 403) or attempt or not self.login():
                return None
            self.relogins += 1
        return None

    def poll(self, queue: str) -> bool:
        """One round of the watcher's loop; a timeout is survived (False), as in its process_one."""
        try:
            return self.call("/xqueue/get_submission/", queue_name=queue) is not None
        except requests.exceptions.Timeout:
            return False


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--server", required=True)
    parser.add_argument("--username", required=True)
    parser.add_argument("--queue", required=True)
    parser.add_argument("--polls", type=int, default=5)
    parser.add_argument("--start-at", type=float, default=0.0, help="epoch seconds: start together with the others")
    parser.add_argument("--timeout", type=float, default=TIMEOUT)
    parser.add_argument("--poll-interval", type=float, default=1.0)
    args = parser.parse_args()
    grader = Grader(args.server, args.username, os.environ["WATCHER_SECRET"], args.timeout)
    time.sleep(max(0.0, args.start_at - time.time()))
    started = time.monotonic()
    try:
        logged_in = grader.login()
    except requests.exceptions.RequestException as exc:
        print(json.dumps({"died": type(exc).__name__, "seconds": time.monotonic() - started}))
        return 2
    login_seconds, login_slowest = time.monotonic() - started, grader.slowest
    if not logged_in:
        print(json.dumps({"refused": True, "seconds": login_seconds}))
        return 1
    answered = 0
    for _ in range(args.polls):
        answered += grader.poll(args.queue)
        time.sleep(args.poll_interval)  # the watcher's POLL_INTERVAL after an empty queue
    report = {"login_seconds": login_seconds, "slowest_login_request": login_slowest, "polls_answered": answered}
    print(json.dumps({**report, "relogins": grader.relogins}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
