"""A loopback LMS that records every XQueue result callback, to count what was really delivered.

It answers like the LMS's xqueue callback view (200, empty body) and records each `lms_key` it receives, so a
benchmark can stop its clock when every result of a phase has arrived and count duplicate and lost deliveries.
"""

import json
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs


class CallbackLog:
    def __init__(self):
        self.lock = threading.Condition()
        self.counts: Counter[str] = Counter()
        self.unreadable = 0

    def record(self, lms_key: str | None) -> None:
        with self.lock:
            if lms_key is None:
                self.unreadable += 1
            else:
                self.counts[lms_key] += 1
            self.lock.notify_all()

    def wait_for(self, keys: set[str], timeout: float) -> float | None:
        """Block until every key has arrived at least once; the arrival time of the last, or None on timeout."""
        deadline = time.time() + timeout
        with self.lock:
            while not keys.issubset(self.counts):
                remaining = deadline - time.time()
                if remaining <= 0:
                    return None
                self.lock.wait(min(remaining, 0.5))
            return time.time()

    def tally(self, keys: set[str]) -> dict:
        with self.lock:
            delivered = {key: self.counts[key] for key in keys if key in self.counts}
        return {
            "delivered": len(delivered),
            "lost": len(keys) - len(delivered),
            "duplicate_deliveries": sum(count - 1 for count in delivered.values()),
        }


def _handler(log: CallbackLog):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self):  # noqa: N802 - http.server's naming
            length = int(self.headers.get("Content-Length") or 0)
            form = parse_qs(self.rfile.read(length).decode("utf-8", "replace"))
            try:
                lms_key = json.loads(form["xqueue_header"][0])["lms_key"]
            except (KeyError, IndexError, ValueError, TypeError):
                lms_key = None
            log.record(lms_key)
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    return Handler


class LmsStub:
    def __init__(self, port: int = 0):
        self.log = CallbackLog()
        self.server = ThreadingHTTPServer(("127.0.0.1", port), _handler(self.log))
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
        return False
