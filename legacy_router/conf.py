"""The router's settings, read on every call so `override_settings` and env changes apply."""

from dataclasses import dataclass

from django.conf import settings

API_PATH = "api/edx_proctoring/v1/"
TOKEN_PATH = "oauth2/access_token"


@dataclass(frozen=True)
class LegacySettings:
    lms_root_url: str
    client_id: str
    client_secret: str
    connect_timeout: float
    read_timeout: float
    token_expiry_margin: int
    breaker_failures: int
    breaker_window: int
    breaker_open_seconds: int
    retry_after: int

    @property
    def timeout(self) -> tuple[float, float]:
        return (self.connect_timeout, self.read_timeout)

    @property
    def api_base_url(self) -> str:
        return f"{self.lms_root_url.rstrip('/')}/{API_PATH}"

    @property
    def token_url(self) -> str:
        return f"{self.lms_root_url.rstrip('/')}/{TOKEN_PATH}"


def legacy_settings() -> LegacySettings | None:
    """The settings when forwarding is enabled and fully configured, else None (local behaviour only)."""
    lms_root_url = getattr(settings, "LMS_ROOT_URL", "") or ""
    client_id = getattr(settings, "BACKEND_SERVICE_EDX_OAUTH2_KEY", "") or ""
    client_secret = getattr(settings, "BACKEND_SERVICE_EDX_OAUTH2_SECRET", "") or ""
    if not (getattr(settings, "LEGACY_PROCTORING_ENABLED", True) and lms_root_url and client_id and client_secret):
        return None
    return LegacySettings(
        lms_root_url=lms_root_url,
        client_id=client_id,
        client_secret=client_secret,
        connect_timeout=float(getattr(settings, "LEGACY_PROCTORING_CONNECT_TIMEOUT", 3.05)),
        read_timeout=float(getattr(settings, "LEGACY_PROCTORING_READ_TIMEOUT", 5.0)),
        token_expiry_margin=int(getattr(settings, "LEGACY_PROCTORING_TOKEN_EXPIRY_MARGIN_SECONDS", 30)),
        breaker_failures=int(getattr(settings, "LEGACY_PROCTORING_CIRCUIT_FAILURES", 5)),
        breaker_window=int(getattr(settings, "LEGACY_PROCTORING_CIRCUIT_WINDOW_SECONDS", 60)),
        breaker_open_seconds=int(getattr(settings, "LEGACY_PROCTORING_CIRCUIT_OPEN_SECONDS", 30)),
        retry_after=int(getattr(settings, "LEGACY_PROCTORING_RETRY_AFTER_SECONDS", 5)),
    )
