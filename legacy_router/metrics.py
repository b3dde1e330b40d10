"""Counters and latency histograms of forwarded calls, kept in the Django cache (shared by all processes).

Labels are bounded: `endpoint` is one of ENDPOINTS and `outcome` one of OUTCOMES; course ids and paths go to
the log line only. Read with `snapshot()` (staff endpoint `/legacy_router/metrics`, command
`manage.py legacy_router_metrics`).
"""

import logging

from django.core.cache import cache

log = logging.getLogger(__name__)

ENDPOINTS = ("token", "exam_registration", "exam_attempt", "provider_settings", "onboarding_status", "active_attempt")
OUTCOMES = ("2xx", "3xx", "4xx", "5xx", "invalid_json", "timeout", "unavailable", "circuit_open")
LATENCY_BUCKETS_MS = (10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000)
PREFIX = "legacy_router:metrics"


def outcome_for_status(status: int) -> str:
    return f"{status // 100}xx" if 200 <= status < 600 else "5xx"


def _bucket(latency_ms: float) -> str:
    for bound in LATENCY_BUCKETS_MS:
        if latency_ms <= bound:
            return str(bound)
    return "inf"


def _incr(key: str, delta: int = 1) -> None:
    try:
        cache.incr(key, delta)
    except ValueError:
        cache.add(key, 0, timeout=None)
        try:
            cache.incr(key, delta)
        except ValueError:  # evicted in between: losing one sample is fine
            pass
    except Exception:  # noqa: BLE001 - metrics must never break a request
        log.warning("Could not record legacy router metric %s", key, exc_info=True)


def record(*, endpoint: str, outcome: str, latency_ms: float | None) -> None:
    _incr(f"{PREFIX}:calls:{endpoint}:{outcome}")
    if latency_ms is not None:
        _incr(f"{PREFIX}:latency:{endpoint}:le_{_bucket(latency_ms)}")
        _incr(f"{PREFIX}:latency:{endpoint}:count")
        _incr(f"{PREFIX}:latency:{endpoint}:sum_ms", round(latency_ms))


def _keys() -> list[str]:
    keys = [f"{PREFIX}:calls:{endpoint}:{outcome}" for endpoint in ENDPOINTS for outcome in OUTCOMES]
    for endpoint in ENDPOINTS:
        keys += [f"{PREFIX}:latency:{endpoint}:le_{bound}" for bound in (*LATENCY_BUCKETS_MS, "inf")]
        keys += [f"{PREFIX}:latency:{endpoint}:count", f"{PREFIX}:latency:{endpoint}:sum_ms"]
    return keys


def snapshot() -> dict:
    """`{endpoint: {"calls": {outcome: n}, "latency_ms": {"count", "sum", "buckets": {"le_10": cumulative...}}}}`."""
    values = cache.get_many(_keys())
    result = {}
    for endpoint in ENDPOINTS:
        call_keys = {outcome: f"{PREFIX}:calls:{endpoint}:{outcome}" for outcome in OUTCOMES}
        calls = {outcome: values[key] for outcome, key in call_keys.items() if key in values}
        cumulative, buckets = 0, {}
        for bound in (*LATENCY_BUCKETS_MS, "inf"):
            cumulative += values.get(f"{PREFIX}:latency:{endpoint}:le_{bound}", 0)
            buckets[f"le_{bound}"] = cumulative
        result[endpoint] = {
            "calls": calls,
            "latency_ms": {
                "count": values.get(f"{PREFIX}:latency:{endpoint}:count", 0),
                "sum": values.get(f"{PREFIX}:latency:{endpoint}:sum_ms", 0),
                "buckets": buckets,
            },
        }
    return result


def reset() -> None:
    cache.delete_many(_keys())
