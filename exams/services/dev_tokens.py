"""JWTs shaped like the LMS's, signed with the first configured issuer (development and tests)."""

from datetime import timedelta

from django.utils import timezone

from exams.auth.tokens import encode_jwt


def dev_jwt_for(user, *, hours: int = 24) -> str:
    """An LMS token for an LMS identity: `user_id` is what the service keys LMS identities by."""
    if not getattr(user, "is_lms_identity", False) or user.lms_user_id is None:
        raise ValueError(f"{user.username!r} is not an LMS identity with an LMS user id: it cannot have an LMS JWT")
    now = timezone.now()
    return encode_jwt(
        {
            "sub": str(user.anonymous_user_id),
            "preferred_username": user.username,
            "user_id": user.lms_user_id,
            "email": user.email,
            "name": user.get_full_name(),
            "full_name": user.get_full_name(),
            "administrator": user.is_staff,
            "iat": int(now.timestamp()),
            "exp": int((now + timedelta(hours=hours)).timestamp()),
        }
    )
