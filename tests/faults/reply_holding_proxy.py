"""A TCP proxy that can swallow the server's replies: requests still reach the server, answers never return.

That is the worst moment to lose a worker: the write happened (a Redis XADD landed) but the worker never learnt
it. `hold_replies(after=b"XADD")` starts the fault for connections that send that command (handshakes and other
commands still get their answers), `release()` ends it and drops the connections that held replies.
"""

import socket
import threading


class ReplyHoldingProxy:
    def __init__(self, upstream_port: int):
        self.upstream_port = upstream_port
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.holding = threading.Event()
        self.trigger = b""
        self.held: list[socket.socket] = []
        self.lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    def url(self, **query) -> str:
        tail = "&".join(f"{key}={value}" for key, value in query.items())
        return f"redis://127.0.0.1:{self.port}/0" + (f"?{tail}" if tail else "")

    def hold_replies(self, after: bytes) -> None:
        self.trigger = after
        self.holding.set()

    def release(self) -> None:
        """End the fault: connections that lost a reply are closed (their client is gone or gave up)."""
        with self.lock:
            held, self.held = self.held, []
            self.holding.clear()
        for sock in held:
            sock.close()

    def close(self) -> None:
        self.listener.close()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(("127.0.0.1", self.upstream_port))
            triggered = threading.Event()  # this connection sent the trigger command while holding
            threading.Thread(target=self._pipe, args=(client, upstream, False, triggered), daemon=True).start()
            threading.Thread(target=self._pipe, args=(upstream, client, True, triggered), daemon=True).start()

    def _pipe(self, source: socket.socket, target: socket.socket, is_reply: bool, triggered: threading.Event) -> None:
        try:
            while data := source.recv(65536):
                if not is_reply and self.holding.is_set() and self.trigger in data:
                    triggered.set()
                if is_reply and self.holding.is_set() and triggered.is_set():
                    with self.lock:
                        self.held += [source, target]
                    return  # the reply is swallowed; nothing more flows back on this connection
                target.sendall(data)
        except OSError:
            pass
        for sock in (source, target):
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
