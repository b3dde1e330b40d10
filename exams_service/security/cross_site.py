"""Whether a browser request that changes state may come from where it came from.

For state-changing GETs that browsers open as links (LTI start proctoring / end assessment): the request must
be a top-level navigation (`Sec-Fetch-Mode: navigate`, `Sec-Fetch-Dest: document`) started on this site
(`Sec-Fetch-Site: same-origin` or `none` = typed / bookmarked) or by a page of a trusted origin (the learning
MFE, the LMS). Browsers without Fetch Metadata are judged by `Origin`, then `Referer`. A request with none of
these headers is not from a browser that could be driven cross-site by a page (see docs/security.md).
"""

from collections.abc import Iterable, Mapping
from functools import wraps
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpResponse
from django.utils.html import escape

TOP_LEVEL_DESTINATIONS = ("document",)
OWN_SITE = ("same-origin", "none")


def origin_of(url: str | None) -> str | None:
    """`scheme://host[:port]` of a URL, lower-cased, default ports dropped; None when it has none."""
    try:
        parts = urlsplit((url or "").strip())
        port = parts.port
    except ValueError:
        return None
    scheme, host = parts.scheme.lower(), (parts.hostname or "").lower()
    if scheme not in ("http", "https") or not host:
        return None
    if ":" in host:
        host = f"[{host}]"
    default = {"http": 80, "https": 443}[scheme]
    return f"{scheme}://{host}" + (f":{port}" if port and port != default else "")


def refusal_reason(headers: Mapping[str, str], *, trusted_origins: Iterable[str]) -> str | None:
    """None when the request may change state; otherwise why not. `trusted_origins` includes our own."""
    trusted = {origin for origin in (origin_of(o) for o in trusted_origins) if origin}
    site = (headers.get("Sec-Fetch-Site") or "").strip().lower()
    initiator_header = headers.get("Origin") or headers.get("Referer")
    initiator = origin_of(initiator_header)
    if site:
        mode = (headers.get("Sec-Fetch-Mode") or "").strip().lower()
        dest = (headers.get("Sec-Fetch-Dest") or "").strip().lower()
        if mode != "navigate" or dest not in TOP_LEVEL_DESTINATIONS:
            return "This page must be opened as a page (a link you follow), not loaded by another page."
        if site in OWN_SITE or initiator in trusted:
            return None
        return "This page may only be opened from your exam."
    if initiator_header is None:
        return None
    if initiator in trusted:
        return None
    return "This page may only be opened from your exam."


def trusted_origins_for(request) -> list[str]:
    """This service's origins (as called, and as configured), the learning MFE, the LMS and
    `CROSS_SITE_TRUSTED_ORIGINS`."""
    own = [request.build_absolute_uri("/"), settings.EXAMS_SERVICE_URL, settings.LTI_API_BASE]
    platform = [settings.LEARNING_MICROFRONTEND_URL, settings.LMS_ROOT_URL]
    return [*own, *platform, *settings.CROSS_SITE_TRUSTED_ORIGINS]


def refused_page(reason: str) -> HttpResponse:
    body = f"<!doctype html><title>Request refused</title><h1>Request refused</h1><p>{escape(reason)}</p>"
    return HttpResponse(body, status=403, content_type="text/html; charset=utf-8")


def navigation_only(handler):
    """Decorate a view method `(self, request, ...)`: refuse with a 403 page what `refusal_reason` refuses."""

    @wraps(handler)
    def checked(self, request, *args, **kwargs):
        reason = refusal_reason(request.headers, trusted_origins=trusted_origins_for(request))
        if reason is not None:
            return refused_page(reason)
        return handler(self, request, *args, **kwargs)

    return checked
