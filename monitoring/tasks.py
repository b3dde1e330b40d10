"""Celery tasks of the monitoring app."""

from celery import shared_task
from django.conf import settings


@shared_task(ignore_result=True)
def sweep_presence() -> dict | str:
    """Beat entry `sweep-proctoring-presence`. A no-op when the ASGI process sweeps itself (embedded default)."""
    if settings.MONITORING_INPROCESS_SWEEPER:
        return "in-process"
    from monitoring.presence import sweep

    return sweep()
