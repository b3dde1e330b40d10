"""Circuit breaker around the LMS, with its state in the Django cache so every process shares it.

closed: calls go through; each failure within `window` seconds is counted, a success resets the count.
open: after `failures` counted failures no call is made until `open_seconds` have passed.
half-open: after the cool-down exactly one caller (a cache `add` decides which) probes the LMS; success
closes the circuit, failure opens it again for another cool-down.
"""

import functools
import logging
import math
import time

from django.core.cache import cache

from legacy_router.conf import LegacySettings

log = logging.getLogger(__name__)

FAILURES_KEY = "legacy_router:breaker:failures"
OPEN_UNTIL_KEY = "legacy_router:breaker:open_until"
PROBE_KEY = "legacy_router:breaker:probe"


def _fail_open(function):
    """A cache outage must not take forwarding down with it: the breaker then behaves as closed."""

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        try:
            return function(*args, **kwargs)
        except CircuitOpen:
            raise
        except Exception:  # noqa: BLE001 - cache backend errors (e.g. Redis down)
            log.warning("legacy_proctoring_circuit cache unavailable in %s", function.__name__, exc_info=True)
            return None

    return wrapper


class CircuitOpen(Exception):
    def __init__(self, retry_after: int):
        super().__init__(f"circuit open, retry in {retry_after}s")
        self.retry_after = retry_after


@_fail_open
def before_call(config: LegacySettings) -> None:
    """Raise CircuitOpen unless a call may be made now."""
    open_until = cache.get(OPEN_UNTIL_KEY)
    if open_until is None:
        return
    remaining = open_until - time.time()
    if remaining > 0:
        raise CircuitOpen(max(1, math.ceil(remaining)))
    # Cool-down over: one probe at a time; the probe flag expires in case its process dies mid-call.
    probe_ttl = math.ceil(config.connect_timeout + config.read_timeout) * 2 + 1
    if not cache.add(PROBE_KEY, 1, timeout=probe_ttl):
        raise CircuitOpen(config.retry_after)


@_fail_open
def record_success() -> None:
    values = cache.get_many([FAILURES_KEY, OPEN_UNTIL_KEY, PROBE_KEY])
    if values:
        cache.delete_many([FAILURES_KEY, OPEN_UNTIL_KEY, PROBE_KEY])
        if OPEN_UNTIL_KEY in values:
            log.warning("legacy_proctoring_circuit state=closed")


@_fail_open
def record_failure(config: LegacySettings) -> None:
    if cache.get(PROBE_KEY) is not None:  # the half-open probe failed
        _open(config)
        return
    cache.add(FAILURES_KEY, 0, timeout=config.breaker_window)
    try:
        failures = cache.incr(FAILURES_KEY)
    except ValueError:  # the window expired between add and incr
        cache.set(FAILURES_KEY, 1, timeout=config.breaker_window)
        failures = 1
    if failures >= config.breaker_failures:
        _open(config)


def _open(config: LegacySettings) -> None:
    # Kept well past the cool-down so the half-open state is still visible after it.
    cache.set(OPEN_UNTIL_KEY, time.time() + config.breaker_open_seconds, timeout=config.breaker_open_seconds * 10 + 60)
    cache.delete_many([FAILURES_KEY, PROBE_KEY])
    log.warning("legacy_proctoring_circuit state=open open_seconds=%s", config.breaker_open_seconds)


def state() -> dict:
    values = cache.get_many([FAILURES_KEY, OPEN_UNTIL_KEY, PROBE_KEY])
    open_until = values.get(OPEN_UNTIL_KEY)
    if open_until is None:
        status = "closed"
    elif open_until > time.time():
        status = "open"
    else:
        status = "half_open"
    return {"state": status, "recent_failures": values.get(FAILURES_KEY, 0), "open_until": open_until}
