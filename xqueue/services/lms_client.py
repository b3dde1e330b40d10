"""Posting results to LMS callbacks over kept-alive connections.

Each thread keeps one `requests.Session` per LMS origin (scheme, host, port), reused across drains, so a
delivery costs one request on an open connection instead of a TCP (and TLS) handshake. Every call still goes
through `outgoing_urls.request`: allow-listed host, public addresses, redirects never followed. The sessions
keep no cookies (an LMS response cannot change what later callbacks send) and are dropped in a forked child.
"""

import http.cookiejar
import os
import threading
from urllib.parse import urlsplit

import requests
from django.conf import settings
from requests.adapters import HTTPAdapter

from exams_service.security import outgoing_urls

MAX_ORIGINS_PER_THREAD = 16
_local = threading.local()


def _reset_after_fork() -> None:
    global _local
    _local = threading.local()  # the parent's sockets must not be shared with a child


os.register_at_fork(after_in_child=_reset_after_fork)


class _Origin:
    """One origin's session in this thread, and whether its connection has carried a request yet."""

    def __init__(self):
        self.session = requests.Session()
        self.session.cookies.set_policy(http.cookiejar.DefaultCookiePolicy(allowed_domains=[]))  # keep none
        adapter = HTTPAdapter(pool_connections=1, pool_maxsize=1, max_retries=0)
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)
        self.used = False


def _origin(url: str) -> _Origin:
    sessions = getattr(_local, "sessions", None)
    if sessions is None:
        sessions = _local.sessions = {}
    parts = urlsplit(url)
    key = (parts.scheme.lower(), (parts.hostname or "").lower(), parts.port)
    origin = sessions.get(key)
    if origin is None:
        if len(sessions) >= MAX_ORIGINS_PER_THREAD:  # callback ports are the LMS's to choose: bound the sockets
            sessions.pop(next(iter(sessions))).session.close()
        origin = sessions[key] = _Origin()
    return origin


def _post(origin: _Origin, url: str, data: dict, auth, allowed_hosts: list[str]) -> requests.Response:
    response = outgoing_urls.request(
        "POST",
        url,
        allowed_hosts=allowed_hosts,
        session=origin.session,
        data=data,
        timeout=settings.XQUEUE_LMS_TIMEOUT,
        auth=auth,
    )
    origin.used = True
    return response


def post_result(*, url: str, header: str, reply: str, allowed_hosts: list[str]) -> str:
    """POST one result the way the legacy XQueue did; "" on HTTP 200, else the error to record.

    A kept-alive connection the LMS closed while idle fails before any response; that one request is sent
    again at once on a new connection (a timeout is not: the LMS may have acted on it).
    """
    auth = tuple(settings.XQUEUE_LMS_BASIC_AUTH[:2]) if len(settings.XQUEUE_LMS_BASIC_AUTH) >= 2 else None
    data = {"xqueue_header": header, "xqueue_body": reply}
    origin = _origin(url)
    try:
        try:
            response = _post(origin, url, data, auth, allowed_hosts)
        except requests.ConnectionError as exc:
            if not origin.used or isinstance(exc, requests.ConnectTimeout):
                raise
            origin.used = False
            response = _post(origin, url, data, auth, allowed_hosts)
    except outgoing_urls.OutgoingUrlRefused as exc:
        return f"Callback refused: {exc}"[:1000]
    except (requests.RequestException, ValueError) as exc:
        return f"{type(exc).__name__}: {exc}"[:1000]
    if response.status_code != 200:
        return f"LMS answered HTTP {response.status_code}"
    return ""
