"""Users created and refreshed from LMS JWT claims (contract §1.1)."""

from django.db import IntegrityError, transaction

from exams.models import User


def _attributes_from_claims(claims: dict) -> dict:
    attributes = {"is_staff": bool(claims.get("administrator", False))}
    if "email" in claims:
        attributes["email"] = claims.get("email") or ""
    full_name = claims.get("full_name") or claims.get("name")
    if full_name:
        attributes["full_name"] = full_name
    if claims.get("user_id") is not None:
        try:
            attributes["lms_user_id"] = int(claims["user_id"])
        except (TypeError, ValueError):
            pass
    return attributes


def get_or_create_user_from_claims(*, claims: dict) -> User | None:
    """Find the user by `preferred_username`, create it on first sight, and sync changed claims."""
    username = claims.get("preferred_username")
    if not username or not isinstance(username, str):
        return None
    attributes = _attributes_from_claims(claims)
    user = User.objects.filter(username=username).first()
    if user is None:
        try:
            with transaction.atomic():
                return User.objects.create(username=username, **attributes)
        except IntegrityError:
            user = User.objects.get(username=username)
    changed = [name for name, value in attributes.items() if getattr(user, name) != value]
    if changed:
        for name in changed:
            setattr(user, name, attributes[name])
        user.save(update_fields=changed)
    return user
