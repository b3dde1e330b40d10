"""Grader and LMS accounts: local accounts (never LMS identities) in dedicated groups."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction

from xqueue.constants import ROLE_GROUPS


def create_account(*, username: str, password: str, role: str) -> bool:
    """Create or update a grader/LMS account (sets the password, adds the group); True if created."""
    if role not in ROLE_GROUPS:
        raise ValueError(f"role must be one of {sorted(ROLE_GROUPS)}")
    user_model = get_user_model()
    with transaction.atomic():
        group, _ = Group.objects.get_or_create(name=ROLE_GROUPS[role])
        user, created = user_model.objects.get_or_create(username=username, defaults={"identity_kind": "local"})
        if not user.is_local_account:
            raise ValueError(
                f"{username!r} is an LMS identity; xqueue accounts are local accounts with their own names"
            )
        user.set_password(password)
        user.is_active = True
        user.save()
        user.groups.add(group)
    return created


def roles_of(*, user) -> list[str]:
    """The xqueue roles ("grader", "lms") of an active local account (an LMS identity has none)."""
    if not user.is_active or not getattr(user, "is_local_account", False):
        return []
    names = set(user.groups.filter(name__in=ROLE_GROUPS.values()).values_list("name", flat=True))
    return sorted(role for role, group in ROLE_GROUPS.items() if group in names)
