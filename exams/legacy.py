"""Seam for the legacy router: how `exams/attempt/latest` asks edx-proctoring for an active attempt.

The router app registers its lookup at start-up; without one (or when it fails) there is no legacy attempt.
"""

import logging
from collections.abc import Callable

log = logging.getLogger(__name__)

_active_attempt_lookup: Callable | None = None


def register_legacy_active_attempt_lookup(lookup: Callable | None) -> None:
    global _active_attempt_lookup
    _active_attempt_lookup = lookup


def registered_legacy_active_attempt_lookup() -> Callable | None:
    return _active_attempt_lookup


def legacy_active_attempt(user) -> dict | None:
    """A non-empty edx-proctoring attempt body, or None (no lookup, no attempt, or any failure)."""
    if _active_attempt_lookup is None:
        return None
    try:
        body = _active_attempt_lookup(user)
    except Exception:  # noqa: BLE001 - a legacy failure must never break the local answer
        log.warning("Legacy active attempt lookup failed for user %s", user.pk, exc_info=True)
        return None
    return body if isinstance(body, dict) and body else None
