"""JWTs shaped like the LMS's, signed with the first configured issuer (development and tests)."""

from datetime import timedelta

from django.utils import timezone

from exams.auth.tokens import encode_jwt


def dev_jwt_for(user, *, hours: int = 24) -> str:
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
