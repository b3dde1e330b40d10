"""Throttling of password logins (xqueue, admin): per account and per client address, before any hashing.

Views ask `refusal(request, username)` before `authenticate()`. It counts the attempt first (atomic increments),
then refuses when the account or the address is over its limit, so concurrent guesses cannot all slip in
before the first failure is recorded; a successful login takes its attempt back (Django's `user_logged_in`).
Counters live in the default cache (Redis in production, so every process shares them) for
LOGIN_THROTTLE_WINDOW_SECONDS from the first attempt.
"""

import hashlib
import logging
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.core.cache import cache
from django.dispatch import receiver

from exams_service.security.client_address import client_address

log = logging.getLogger(__name__)
MESSAGE = "Too many failed logins; try again in {seconds} seconds."


@dataclass(frozen=True)
class Refusal:
    retry_after: int

    @property
    def message(self) -> str:
        return MESSAGE.format(seconds=self.retry_after)


def _account_key(username: str) -> str:
    return "login-throttle:account:" + hashlib.sha256(username.strip().lower().encode()).hexdigest()


def _address_key(address: str) -> str:
    return f"login-throttle:address:{address}"


def refusal(request, username: str) -> Refusal | None:
    """Count this attempt; a Refusal (and a log line) when the account or the address is over its limit."""
    address = client_address(request)
    request.login_throttle_keys = (_account_key(username), _address_key(address))
    account, by_address = (_count(key) for key in request.login_throttle_keys)
    if account <= settings.LOGIN_THROTTLE_ACCOUNT_FAILURES and by_address <= settings.LOGIN_THROTTLE_ADDRESS_FAILURES:
        return None
    log.warning(
        "Password login throttled: account %r (%s failures), address %s (%s failures)",
        username,
        account,
        address,
        by_address,
    )
    return Refusal(retry_after=settings.LOGIN_THROTTLE_WINDOW_SECONDS)


def _count(key: str) -> int:
    """Atomically add one attempt; the count including it."""
    cache.add(key, 0, timeout=settings.LOGIN_THROTTLE_WINDOW_SECONDS)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=settings.LOGIN_THROTTLE_WINDOW_SECONDS)
        return 1


@receiver(user_logged_in, dispatch_uid="security.login_throttle.succeeded")
def forgive_success(sender, request, user, **kwargs):
    """A right password clears the account's count and takes its attempt back from the address."""
    keys = getattr(request, "login_throttle_keys", None)
    if not keys:
        return
    cache.delete(keys[0])
    try:
        cache.decr(keys[1])
    except ValueError:
        pass
