"""HTTP client for edx-proctoring: OAuth2 client-credentials JWT, timeouts, pooled connections, breaker, metrics."""

import hashlib
import logging
import threading
import time
from dataclasses import dataclass
from typing import Any

import requests
from django.conf import settings
from django.core.cache import cache
from requests.adapters import HTTPAdapter

from legacy_router import breaker, metrics
from legacy_router.conf import LegacySettings

log = logging.getLogger(__name__)

_session: requests.Session | None = None
_session_lock = threading.Lock()


class LegacyUnavailable(Exception):
    """The LMS could not be reached, timed out, refused a token, or the circuit is open."""

    def __init__(self, reason: str, retry_after: int):
        super().__init__(reason)
        self.reason = reason
        self.retry_after = retry_after


class LegacyInvalidResponse(Exception):
    """edx-proctoring answered with a body that is not JSON."""

    def __init__(self, status: int):
        super().__init__(f"invalid JSON from edx-proctoring (HTTP {status})")
        self.status = status


@dataclass(frozen=True)
class LegacyResponse:
    status: int
    data: Any  # parsed JSON, or None for an empty body


def http_session() -> requests.Session:
    """One pooled session per process: keep-alive connections to the LMS are reused across requests."""
    global _session
    if _session is None:
        with _session_lock:
            if _session is None:
                session = requests.Session()
                pool_size = int(getattr(settings, "LEGACY_PROCTORING_POOL_MAXSIZE", 10))
                adapter = HTTPAdapter(pool_connections=2, pool_maxsize=pool_size, max_retries=0)
                session.mount("http://", adapter)
                session.mount("https://", adapter)
                _session = session
    return _session


def _token_cache_key(config: LegacySettings) -> str:
    digest = hashlib.sha256(f"{config.token_url}|{config.client_id}".encode()).hexdigest()[:32]
    return f"legacy_router:token:{digest}"


def _fetch_token(config: LegacySettings) -> str:
    started = time.perf_counter()
    outcome, status = "unavailable", None
    try:
        response = http_session().post(
            config.token_url,
            data={
                "grant_type": "client_credentials",
                "client_id": config.client_id,
                "client_secret": config.client_secret,
                "token_type": "jwt",
            },
            timeout=config.timeout,
            allow_redirects=False,
        )
        status = response.status_code
        outcome = metrics.outcome_for_status(status)
        token, expires_in = _parse_token(response) if status == 200 else (None, 0)
        if status == 200 and not token:
            outcome = "invalid_json"
    except requests.Timeout as exc:
        outcome = "timeout"
        raise LegacyUnavailable("token request timed out", config.retry_after) from exc
    except requests.RequestException as exc:
        raise LegacyUnavailable(f"token request failed: {type(exc).__name__}", config.retry_after) from exc
    finally:
        _observe("token", "POST", None, config.token_url, status, outcome, started)
    if not token:
        raise LegacyUnavailable(f"LMS did not issue a token (HTTP {status})", config.retry_after)
    lifetime = expires_in - config.token_expiry_margin
    if lifetime > 0:
        try:
            cache.set(_token_cache_key(config), token, timeout=lifetime)
        except Exception:  # noqa: BLE001 - without a cache every call fetches its own token
            log.warning("Could not cache the edx-proctoring service token", exc_info=True)
    return token


def _parse_token(response: requests.Response) -> tuple[str | None, int]:
    try:
        body = response.json()
        token = body.get("access_token")
        return (str(token) if token else None), int(body.get("expires_in") or 0)
    except (ValueError, KeyError, TypeError, AttributeError):  # not JSON, not an object, no token
        return None, 0


def _token(config: LegacySettings, *, refresh: bool = False) -> tuple[str, bool]:
    """(token, came from the cache)."""
    if not refresh:
        try:
            cached = cache.get(_token_cache_key(config))
        except Exception:  # noqa: BLE001 - cache outage: fetch a token instead
            log.warning("Could not read the cached edx-proctoring service token", exc_info=True)
            cached = None
        if cached:
            return cached, True
    return _fetch_token(config), False


def _observe(endpoint, method, course_id, url, status, outcome, started) -> float:
    latency_ms = (time.perf_counter() - started) * 1000
    metrics.record(endpoint=endpoint, outcome=outcome, latency_ms=latency_ms)
    path = url.split("?", 1)[0]
    level = logging.INFO if outcome in ("2xx", "3xx", "4xx") else logging.WARNING
    log.log(
        level,
        "legacy_proctoring_call endpoint=%s method=%s course_id=%s path=%s status=%s outcome=%s latency_ms=%.1f",
        endpoint,
        method,
        course_id,
        path,
        status,
        outcome,
        latency_ms,
        extra={
            "legacy_endpoint": endpoint,
            "legacy_method": method,
            "course_id": course_id,
            "legacy_path": path,
            "legacy_status": status,
            "legacy_outcome": outcome,
            "latency_ms": round(latency_ms, 1),
        },
    )
    return latency_ms


def call(
    config: LegacySettings, *, endpoint: str, method: str, path: str, course_id: str | None = None, json: Any = None
) -> LegacyResponse:
    """One call to `{LMS_ROOT_URL}/api/edx_proctoring/v1/{path}` (path may carry a query string)."""
    url = config.api_base_url + path
    try:
        breaker.before_call(config)
    except breaker.CircuitOpen as exc:
        metrics.record(endpoint=endpoint, outcome="circuit_open", latency_ms=None)
        log.warning("legacy_proctoring_call endpoint=%s course_id=%s outcome=circuit_open", endpoint, course_id)
        raise LegacyUnavailable("circuit open", exc.retry_after) from exc

    started = time.perf_counter()
    outcome, status = "unavailable", None
    try:
        token, cached = _token(config)
        response = _send(config, method, url, token, json)
        if response.status_code == 401 and cached:  # revoked or rotated token: fetch a fresh one, once
            token, _ = _token(config, refresh=True)
            response = _send(config, method, url, token, json)
        status = response.status_code
        outcome = metrics.outcome_for_status(status)
        data = response.json() if response.content else None
    except LegacyUnavailable:
        breaker.record_failure(config)
        raise
    except requests.JSONDecodeError as exc:  # before RequestException: it is one too
        outcome = "invalid_json"
        breaker.record_failure(config)
        raise LegacyInvalidResponse(status) from exc
    except requests.Timeout as exc:
        outcome = "timeout"
        breaker.record_failure(config)
        raise LegacyUnavailable("edx-proctoring timed out", config.retry_after) from exc
    except requests.RequestException as exc:
        breaker.record_failure(config)
        raise LegacyUnavailable(f"edx-proctoring unreachable: {type(exc).__name__}", config.retry_after) from exc
    finally:
        _observe(endpoint, method, course_id, url, status, outcome, started)
    if status >= 500:
        breaker.record_failure(config)
    else:
        breaker.record_success()
    return LegacyResponse(status=status, data=data)


def _send(config: LegacySettings, method: str, url: str, token: str, json: Any) -> requests.Response:
    return http_session().request(
        method,
        url,
        json=json,
        headers={"Authorization": f"JWT {token}", "Accept": "application/json"},
        timeout=config.timeout,
        allow_redirects=False,
    )
