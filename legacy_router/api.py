"""Public surface of the legacy router for other apps."""

from legacy_router.breaker import state as circuit_state
from legacy_router.conf import legacy_settings
from legacy_router.metrics import snapshot as metrics_snapshot
from legacy_router.services import legacy_active_attempt

__all__ = ["circuit_state", "legacy_active_attempt", "legacy_settings", "metrics_snapshot"]
