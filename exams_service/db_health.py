"""Health checks of persistent connections at most every DATABASE_HEALTH_CHECK_INTERVAL_SECONDS, not per request.

With CONN_HEALTH_CHECKS Django sends a `SELECT 1` before the first query of every request: on a busy worker
that is one more round trip per request for a connection that answered a moment ago. A connection that ended
a request without errors less than the interval ago is trusted for the next request; an idler one is checked
as before. A connection that dies inside the window fails that request's first query (503, `db_retry` and the
client's retry cover it, docs/faults.md) and is replaced at the request's end. 0 checks every request.
"""

import time

from django.conf import settings
from django.core.signals import request_finished, request_started
from django.db import connections

VERIFIED_AT = "_exams_verified_at"


def mark_verified(**kwargs) -> None:
    """request_finished, after Django closed unusable or obsolete connections: the open ones just served us."""
    now = time.monotonic()
    for connection in connections.all(initialized_only=True):
        if connection.connection is not None and not connection.errors_occurred:
            setattr(connection, VERIFIED_AT, now)


def skip_recent_checks(**kwargs) -> None:
    """request_started, after Django armed the health check: disarm it for recently verified connections."""
    interval = settings.DATABASE_HEALTH_CHECK_INTERVAL_SECONDS
    if interval <= 0:
        return
    now = time.monotonic()
    for connection in connections.all(initialized_only=True):
        verified_at = getattr(connection, VERIFIED_AT, None)
        if connection.connection is not None and verified_at is not None and now - verified_at < interval:
            connection.health_check_done = True


def connect() -> None:
    """Connect after Django's own `close_old_connections` receivers (they must run first)."""
    request_started.connect(skip_recent_checks, dispatch_uid="exams_service.db_health.started")
    request_finished.connect(mark_verified, dispatch_uid="exams_service.db_health.finished")


def disconnect() -> None:
    request_started.disconnect(dispatch_uid="exams_service.db_health.started")
    request_finished.disconnect(dispatch_uid="exams_service.db_health.finished")
