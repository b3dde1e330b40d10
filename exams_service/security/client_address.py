"""The client's address: REMOTE_ADDR, or what a trusted proxy says (X-Forwarded-For, then X-Real-IP).

Forwarding headers are believed only from TRUSTED_PROXIES (addresses or networks); from anyone else they are
ignored, so a client cannot choose the address that is recorded or throttled.
"""

import ipaddress
from functools import lru_cache

from django.conf import settings


@lru_cache(maxsize=8)
def _networks(proxies: tuple[str, ...]) -> tuple:
    return tuple(ipaddress.ip_network(proxy.strip(), strict=False) for proxy in proxies if proxy.strip())


def _parse(value: str):
    try:
        return ipaddress.ip_address(value.strip())
    except ValueError:
        return None


def is_trusted_proxy(address: str) -> bool:
    parsed = _parse(address)
    return parsed is not None and any(parsed in network for network in _networks(tuple(settings.TRUSTED_PROXIES)))


def client_address(request) -> str:
    """The first hop, from the right, that is not a trusted proxy; REMOTE_ADDR when it is not one itself."""
    remote = request.META.get("REMOTE_ADDR") or ""
    if not is_trusted_proxy(remote):
        return remote
    forwarded = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    for hop in reversed(forwarded):
        if _parse(hop) is None:
            break  # a garbled chain: trust nothing further left
        if not is_trusted_proxy(hop):
            return hop
    real_ip = request.META.get("HTTP_X_REAL_IP", "")
    if not forwarded and _parse(real_ip) is not None:
        return real_ip.strip()
    return remote
