"""Outgoing URLs taken from a client: http(s) only, allow-listed hosts, public addresses, no redirects.

Used for every URL the service calls because a client gave it (XQueue result callbacks, LTI tool JWKS URLs).
`check_url` is the syntactic rule (scheme, host, no credentials in the URL), cheap enough for the moment the
URL enters; `request` applies it again, resolves the host and refuses loopback, link-local, private and other
non-global addresses (unless `OUTGOING_URLS_ALLOW_PRIVATE_ADDRESSES`, for development and tests), then makes
the call without following redirects.
"""

import ipaddress
import socket
from collections.abc import Iterable
from urllib.parse import urlsplit

import requests
from django.conf import settings

ALLOWED_SCHEMES = ("http", "https")


class OutgoingUrlRefused(ValueError):
    """The URL may not be called; the message says why (safe to show to the client that gave it)."""


def _normalized_host(host: str) -> str:
    return host.strip().lower().rstrip(".").strip("[]")


def check_url(url: str, *, allowed_hosts: Iterable[str] | None = None) -> str:
    """`url` when it is an absolute http(s) URL without credentials to an allowed host (None: any host)."""
    if not isinstance(url, str) or not url or any(ch in url for ch in "\x00\r\n\t "):
        raise OutgoingUrlRefused("The URL is empty or contains whitespace or control characters.")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise OutgoingUrlRefused("The URL cannot be parsed.") from exc
    if parts.scheme.lower() not in ALLOWED_SCHEMES:
        raise OutgoingUrlRefused(f"Only {' and '.join(ALLOWED_SCHEMES)} URLs may be called.")
    if not parts.hostname:
        raise OutgoingUrlRefused("The URL has no host.")
    if parts.username is not None or parts.password is not None:
        raise OutgoingUrlRefused("The URL may not carry credentials.")
    if port == 0:
        raise OutgoingUrlRefused("The URL's port is invalid.")
    if allowed_hosts is not None:
        allowed = {_normalized_host(host) for host in allowed_hosts if host}
        if _normalized_host(parts.hostname) not in allowed:
            raise OutgoingUrlRefused(f"The host {parts.hostname!r} is not an allowed destination.")
    return url


def is_public_address(address: str) -> bool:
    """True for a globally routable unicast address (IPv4-mapped IPv6 judged by its IPv4 address)."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def check_resolved(url: str) -> None:
    """Every address the URL's host resolves to must be public, unless private addresses are allowed."""
    if settings.OUTGOING_URLS_ALLOW_PRIVATE_ADDRESSES:
        return
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme.lower() == "https" else 80)
    try:
        infos = socket.getaddrinfo(parts.hostname, port, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError) as exc:
        raise OutgoingUrlRefused(f"The host {parts.hostname!r} cannot be resolved.") from exc
    addresses = {info[4][0] for info in infos}
    if not addresses or not all(is_public_address(address) for address in addresses):
        raise OutgoingUrlRefused(f"The host {parts.hostname!r} resolves to a non-public address.")


def request(
    method: str,
    url: str,
    *,
    allowed_hosts: Iterable[str] | None,
    session: requests.Session | None = None,
    **kwargs,
) -> requests.Response:
    """One call to a checked URL; redirects are never followed (a 3xx is returned to the caller as is)."""
    check_url(url, allowed_hosts=allowed_hosts)
    check_resolved(url)
    sender = session or requests
    return sender.request(method, url, allow_redirects=False, **kwargs)


def host_of(url: str) -> str:
    """The host name of `url` ("" when there is none): how settings derive a default allow-list."""
    try:
        return urlsplit(url or "").hostname or ""
    except ValueError:
        return ""
