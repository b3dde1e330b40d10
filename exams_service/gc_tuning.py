"""Garbage-collector settings for the long-lived ASGI workers that hold thousands of sockets.

With CPython's defaults a worker holding ~1,000 sockets runs a full collection every few seconds, scanning
every socket's objects while no socket is served: those pauses were most of the WebSocket p99 in
bench/ws_sessions.py. At start-up the objects that live forever (Django, the app) are frozen out of the
collector's view, and young collections run less often (ASGI_GC_THRESHOLD, "" keeps the defaults).
"""

import gc

from django.conf import settings


def tune_for_latency() -> bool:
    """Apply ASGI_GC_THRESHOLD once per process; False when it is empty (CPython's defaults)."""
    threshold = settings.ASGI_GC_THRESHOLD
    if not threshold:
        return False
    gc.collect()
    gc.freeze()
    gc.set_threshold(*threshold)
    return True
