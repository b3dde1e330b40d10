"""Session backends, one per kind of identity: each loads only users of its own kind (docs/security.md).

A session remembers the backend that logged it in, so a session opened by an LTI launch (LMS identity) can
never load a local account, and a password login can never load an LMS identity.
"""

from django.contrib.auth.backends import ModelBackend


class LocalAccountBackend(ModelBackend):
    """Password logins (admin, xqueue): local accounts only."""

    def user_can_authenticate(self, user) -> bool:
        return super().user_can_authenticate(user) and getattr(user, "is_local_account", False)


class LmsSessionBackend(ModelBackend):
    """Sessions the LTI launch opens for an LMS identity; it never checks passwords."""

    def authenticate(self, request, **credentials):
        return None

    def user_can_authenticate(self, user) -> bool:
        return super().user_can_authenticate(user) and getattr(user, "is_lms_identity", False)


LOCAL_ACCOUNT_BACKEND = "exams.auth.backends.LocalAccountBackend"
LMS_SESSION_BACKEND = "exams.auth.backends.LmsSessionBackend"
