"""A real loopback LMS for delivery tests: HTTP/1.1 keep-alive, counts TCP connections and callbacks."""

import json
import socket
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs


class LoopbackLms:
    """`with LoopbackLms() as lms:` serves on 127.0.0.1; `lms.url(path)`; `lms.status` is what it answers."""

    def __init__(self, port: int = 0, status: int = 200, set_cookie: str = "", delay: float = 0.0):
        self.status, self.set_cookie, self.delay = status, set_cookie, delay
        self.connections = 0
        self.keys: Counter[str] = Counter()
        self.cookies: list[str | None] = []
        self._sockets = []
        self._lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", port), self._handler())
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]

    def url(self, path: str = "/cb") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def _handler(self):
        lms = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keeps the connection open between requests

            def setup(self):
                super().setup()
                with lms._lock:
                    lms.connections += 1
                    lms._sockets.append(self.connection)

            def do_POST(self):  # noqa: N802 - http.server's naming
                time.sleep(lms.delay)
                form = parse_qs(self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode())
                with lms._lock:
                    lms.keys[json.loads(form["xqueue_header"][0])["lms_key"]] += 1
                    lms.cookies.append(self.headers.get("Cookie"))
                self.send_response(lms.status)
                if lms.set_cookie:
                    self.send_header("Set-Cookie", lms.set_cookie)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        return Handler

    def __enter__(self):
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
        for sock in self._sockets:  # like a restarted LMS: kept-alive connections end too
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        return False
