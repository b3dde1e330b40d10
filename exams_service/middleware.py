"""Cheaper stand-ins for stock middleware on token-authenticated API requests; every control stays.

A learner's poll carries an `Authorization` header and no cookies: it never reads a session or a flash message
and sends no `Origin` unless a browser made it. These subclasses skip only the work such a request cannot use and
fall back to the stock code the moment it can: a session or message store is built when first touched, CORS
headers are computed whenever an `Origin` is sent or the request is a preflight. SecurityMiddleware,
CsrfViewMiddleware and XFrameOptionsMiddleware stay the stock classes: `check --deploy` looks for them by name.
"""

from corsheaders.middleware import CorsMiddleware
from django.conf import settings
from django.contrib.messages.middleware import MessageMiddleware
from django.contrib.messages.storage import default_storage
from django.contrib.sessions.middleware import SessionMiddleware
from django.utils.cache import patch_vary_headers
from django.utils.functional import SimpleLazyObject, empty
from simple_history.models import HistoricalRecords


def _untouched(lazy) -> bool:
    """True when `lazy` is a SimpleLazyObject nobody has evaluated yet."""
    # object.__getattribute__: the lazy object's own __getattribute__ is Python code, run on every access
    return type(lazy) is SimpleLazyObject and object.__getattribute__(lazy, "_wrapped") is empty


class LazySessionMiddleware(SessionMiddleware):
    """No session cookie: the session store is created only if the request touches `request.session`."""

    def process_request(self, request):
        session_key = request.COOKIES.get(settings.SESSION_COOKIE_NAME)
        if session_key is None:
            request.session = SimpleLazyObject(self.SessionStore)
        else:
            request.session = self.SessionStore(session_key)

    def process_response(self, request, response):
        if _untouched(request.__dict__.get("session")):
            return response  # no cookie came in and nothing was stored: nothing to save, delete or vary on
        return super().process_response(request, response)


class LazyMessageMiddleware(MessageMiddleware):
    """The message storage is created only if the request adds or reads a message (the admin does)."""

    def process_request(self, request):
        request._messages = SimpleLazyObject(lambda: default_storage(request))

    def process_response(self, request, response):
        if _untouched(request.__dict__.get("_messages")):
            return response
        return super().process_response(request, response)


class OriginAwareCorsMiddleware(CorsMiddleware):
    """Without `Origin` (and outside a preflight) CORS adds only `Vary: origin`; the stock code runs otherwise."""

    def __call__(self, request):
        if self.async_mode or request.method == "OPTIONS" or "HTTP_ORIGIN" in request.META:
            return super().__call__(request)
        response = self.get_response(request)
        if self.is_enabled(request):
            if response.has_header("Vary"):
                patch_vary_headers(response, ("origin",))
            else:
                response.headers["Vary"] = "origin"
        return response


def history_request_middleware(get_response):
    """simple_history's HistoryRequestMiddleware (the request's user signs history rows), minus its context manager.

    Sync only (Django adapts it under ASGI); the request is exposed through simple_history's own context object.
    """
    context = HistoricalRecords.context

    def middleware(request):
        context.request = request
        try:
            return get_response(request)
        finally:
            try:
                del context.request
            except AttributeError:
                pass

    return middleware
