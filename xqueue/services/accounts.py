"""Grader and LMS accounts: local accounts (never LMS identities) in dedicated groups."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction

from exams_service.security import service_secrets
from xqueue.constants import ROLE_GROUPS

_LMS_IDENTITY = "{username!r} is an LMS identity; xqueue accounts are local accounts with their own names"


def create_account(*, username: str, password: str, role: str) -> bool:
    """Create or update a grader/LMS account with an operator-chosen password (Django's default hasher)."""
    return _save_account(username=username, role=role, set_credentials=lambda user: user.set_password(password))


def issue_secret(*, username: str, role: str, rotate: bool = False) -> tuple[bool, str]:
    """Generate a grader/LMS account's secret, stored with the fast keyed hasher; (created, the secret).

    Without `rotate` the account must be new; with it, it must exist (its sessions end: the hash changed; an
    account with an operator-chosen password moves to a generated secret this way).
    The secret is returned once and never logged.
    """
    existing = get_user_model().objects.filter(username=username).first()
    exists = existing is not None
    if exists and not existing.is_local_account:
        raise ValueError(_LMS_IDENTITY.format(username=username))
    if exists and not rotate:
        raise ValueError(f"{username!r} exists; rotate its secret, or set an operator-chosen password")
    if rotate and not exists:
        raise ValueError(f"{username!r} does not exist; create it first")
    secret = service_secrets.new_secret()
    encoded = service_secrets.make_secret_hash(secret)

    def store_hash(user):  # the hash only: the secret is never stored or logged
        user.password = encoded

    created = _save_account(username=username, role=role, set_credentials=store_hash)
    return created, secret


def store_secret(*, username: str, role: str, secret: str) -> bool:
    """Create or update a grader/LMS account whose secret was generated elsewhere (a Tutor config value, a
    secrets manager), stored with the fast keyed hasher like a generated one; True when created.

    The secret must look machine-generated (`service_secrets.looks_generated`): a human password is refused, as
    it needs the stretched hasher (`create_account`). Rerunning with the same secret keeps the stored hash, so
    the account's sessions survive an init job run again.
    """
    if not service_secrets.looks_generated(secret):
        raise ValueError(
            f"a secret must be at least {service_secrets.MIN_SECRET_LENGTH} random URL-safe characters "
            "(letters, digits, - and _); for a chosen password use --password"
        )

    def store_hash(user):
        if not service_secrets.check_secret(secret, user.password or "$"):
            user.password = service_secrets.make_secret_hash(secret)

    return _save_account(username=username, role=role, set_credentials=store_hash)


def _save_account(*, username: str, role: str, set_credentials) -> bool:
    if role not in ROLE_GROUPS:
        raise ValueError(f"role must be one of {sorted(ROLE_GROUPS)}")
    user_model = get_user_model()
    with transaction.atomic():
        group, _ = Group.objects.get_or_create(name=ROLE_GROUPS[role])
        user, created = user_model.objects.get_or_create(username=username, defaults={"identity_kind": "local"})
        if not user.is_local_account:
            raise ValueError(_LMS_IDENTITY.format(username=username))
        set_credentials(user)
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
