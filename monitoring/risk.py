"""The risk score a dashboard sorts by: recent anomalies weighted by their confidence.

Each anomaly adds its severity (0-1, the client's confidence) and its weight halves every
MONITORING_RISK_HALF_LIFE_SECONDS. Because the decay is exponential, a score computed at one moment ages by a
single factor: the dashboard receives (score, at) and only multiplies by `decay(elapsed)` and adds new
anomalies' severities, which gives the same number as recomputing here.
"""

from collections.abc import Iterable

from django.conf import settings

WINDOW_HALF_LIVES = 8  # older anomalies weigh under 0.4 % and are not read


def half_life() -> float:
    return float(settings.MONITORING_RISK_HALF_LIFE_SECONDS)


def window_seconds() -> float:
    return half_life() * WINDOW_HALF_LIVES


def decay(elapsed_seconds: float) -> float:
    return 0.5 ** (max(elapsed_seconds, 0.0) / half_life())


def score(anomalies: Iterable[tuple[float, float]], now: float) -> float:
    """`anomalies` = (severity, epoch seconds); the sum of severities weighted by their age at `now`."""
    return round(sum(severity * decay(now - at) for severity, at in anomalies), 4)
