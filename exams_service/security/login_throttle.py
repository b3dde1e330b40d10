"""Throttling of password logins (xqueue, admin): per account and per client address, before any hashing.

Views ask `refusal(request, username)` before `authenticate()`; failed logins are counted from Django's
`user_login_failed` signal and a success clears the account's count. Counters live in the default cache (Redis
in production, so every process shares them) for LOGIN_THROTTLE_WINDOW_SECONDS from the first failure.
"""

import hashlib
import logging
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_login_failed
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
    """A Refusal (and a log line) when the account or the address has failed too often; one cache read."""
    address = client_address(request)
    counts = cache.get_many([_account_key(username), _address_key(address)])
    account = counts.get(_account_key(username), 0)
    by_address = counts.get(_address_key(address), 0)
    if account < settings.LOGIN_THROTTLE_ACCOUNT_FAILURES and by_address < settings.LOGIN_THROTTLE_ADDRESS_FAILURES:
        return None
    log.warning(
        "Password login throttled: account %r (%s failures), address %s (%s failures)",
        username,
        account,
        address,
        by_address,
    )
    return Refusal(retry_after=settings.LOGIN_THROTTLE_WINDOW_SECONDS)


def _count(key: str) -> None:
    cache.add(key, 0, timeout=settings.LOGIN_THROTTLE_WINDOW_SECONDS)
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=settings.LOGIN_THROTTLE_WINDOW_SECONDS)


@receiver(user_login_failed, dispatch_uid="security.login_throttle.failed")
def record_failure(sender, credentials, request=None, **kwargs):
    if request is None:
        return
    _count(_account_key(str(credentials.get("username") or "")))
    _count(_address_key(client_address(request)))


@receiver(user_logged_in, dispatch_uid="security.login_throttle.succeeded")
def clear_account(sender, request, user, **kwargs):
    cache.delete(_account_key(user.get_username()))
