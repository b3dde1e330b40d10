"""Session users of grader and LMS accounts, cached per process.

A grader makes two small requests per submission, and loading its user row for the session was the
largest part of each. xqueue logins name this backend, so only their sessions read users through the
cache; Django still checks the session hash (a password change ends the session) and `is_active` on the
cached user, which is at most XQUEUE_ACCOUNT_CACHE_SECONDS old.
"""

from exams.api import LocalAccountBackend
from exams_service.ttl_cache import TTLCache

_users = TTLCache("XQUEUE_ACCOUNT_CACHE_SECONDS", max_entries=1000, cache_none=False)

BACKEND = "xqueue.auth.CachedSessionUserBackend"


class CachedSessionUserBackend(LocalAccountBackend):
    """Loads session users (local accounts only) of xqueue logins; it never authenticates (the first backend does)."""

    def authenticate(self, request, **credentials):
        return None

    def get_user(self, user_id):
        return _users.get(user_id, lambda: super(CachedSessionUserBackend, self).get_user(user_id))


def clear() -> None:
    _users.clear()
