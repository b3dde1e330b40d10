"""LMS identities: created and refreshed from LMS JWT claims, keyed by the LMS user id (docs/security.md).

An LMS identity never matches, updates or demotes a local account (admin, xqueue), whatever its username:
such a collision is refused and logged. Usernames follow the LMS: when user 7 arrives under a new name the
row is renamed, and a row still holding a name the LMS gave to someone else is moved out of the way.
"""

import logging
from functools import cache

from django.db import IntegrityError, connection, transaction

from exams.exceptions import IdentityClaimsInvalid, IdentityRefused
from exams.models import IdentityKind, User
from exams_service import rows

log = logging.getLogger(__name__)

COLLISION_DETAIL = "This username belongs to a local account of the exams service; LMS tokens cannot use it."


def _attributes_from_claims(claims: dict) -> dict:
    attributes = {"is_staff": bool(claims.get("administrator", False))}
    if "email" in claims:
        attributes["email"] = claims.get("email") or ""
    full_name = claims.get("full_name") or claims.get("name")
    if full_name:
        attributes["full_name"] = full_name
    return attributes


def _lms_user_id(raw) -> int:
    if isinstance(raw, bool) or raw is None:
        raise IdentityClaimsInvalid("Token has no LMS user_id claim.")
    try:
        value = int(raw)
    except (TypeError, ValueError) as exc:
        raise IdentityClaimsInvalid("Token has an invalid user_id claim.") from exc
    if not 0 < value < 2**31:
        raise IdentityClaimsInvalid("Token has an invalid user_id claim.")
    return value


def _refuse_local(username: str, lms_user_id: int | None, source: str) -> None:
    log.warning(
        "Refused LMS identity %r (LMS user id %s) from %s: the username belongs to a local account",
        username,
        lms_user_id,
        source,
    )
    raise IdentityRefused(COLLISION_DETAIL)


def _apply(user: User, values: dict) -> None:
    changed = [name for name, value in values.items() if getattr(user, name) != value]
    if changed:
        for name in changed:
            setattr(user, name, values[name])
        user.save(update_fields=changed)


def _match(*, username: str, lms_user_id: int, defaults: dict, updates: dict, source: str) -> User:
    with transaction.atomic():
        user = User.objects.select_for_update().filter(lms_user_id=lms_user_id, identity_kind=IdentityKind.LMS).first()
        holder = None
        if user is None or user.username != username:
            holder = User.objects.select_for_update().filter(username=username).first()
        if holder is not None and holder.is_local_account:
            _refuse_local(username, lms_user_id, source)
        if user is None and holder is not None and holder.lms_user_id is None:
            user, holder = holder, None  # pre-provisioned by username (bulk_add_course_staff): adopt it
        if holder is not None:  # the LMS gave this name to someone else since we last saw the holder
            _apply(holder, {"username": f"~renamed-{holder.pk}"})
        if user is None:
            return User.objects.create(
                username=username, lms_user_id=lms_user_id, identity_kind=IdentityKind.LMS, **defaults, **updates
            )
        _apply(user, {"username": username, "lms_user_id": lms_user_id, **updates})
        return user


# What a JWT-authenticated request reads of its user: the identity, the claims it syncs and the permission flags.
# The rest (password hash, login dates, LTI's anonymous id) is deferred and loads if something asks for it.
REQUEST_USER_FIELDS = (
    "id",
    "username",
    "email",
    "full_name",
    "is_staff",
    "is_superuser",
    "is_active",
    "lms_user_id",
    "identity_kind",
)


@cache
def _lms_user_sql(vendor: str) -> str:
    table = connection.ops.quote_name(User._meta.db_table)
    return (
        f"SELECT {rows.select_list(User, table, REQUEST_USER_FIELDS)} FROM {table} "
        f"WHERE {table}.lms_user_id = %s AND {table}.identity_kind = %s ORDER BY {table}.id LIMIT 1"
    )


def _lms_user(lms_user_id: int) -> User | None:
    """The LMS identity with this LMS user id (plain SQL: every JWT-authenticated request starts here)."""
    db = rows.default_connection()
    sql = _lms_user_sql(db.vendor)
    return rows.fetch_one(User, sql, [lms_user_id, IdentityKind.LMS.value], fields=REQUEST_USER_FIELDS, db=db)


def match_lms_identity(
    *, username: str, lms_user_id: int, defaults: dict | None = None, updates: dict | None = None, source: str
) -> User:
    """The LMS identity with this LMS user id, created or renamed as needed; IdentityRefused on a local name."""
    defaults, updates = defaults or {}, updates or {}
    user = _lms_user(lms_user_id)
    if user is not None and user.username == username:  # the common case: one query
        _apply(user, updates)
        return user
    try:
        return _match(username=username, lms_user_id=lms_user_id, defaults=defaults, updates=updates, source=source)
    except IntegrityError:  # a concurrent first sight created it: match again
        return _match(username=username, lms_user_id=lms_user_id, defaults=defaults, updates=updates, source=source)


def get_or_create_user_from_claims(*, claims: dict) -> User:
    """The LMS identity of a verified JWT, keyed by `user_id`; raises IdentityClaimsInvalid / IdentityRefused."""
    username = claims.get("preferred_username")
    if not username or not isinstance(username, str):
        raise IdentityClaimsInvalid("Token has no preferred_username claim.")
    lms_user_id = _lms_user_id(claims.get("user_id"))
    return match_lms_identity(
        username=username, lms_user_id=lms_user_id, updates=_attributes_from_claims(claims), source="JWT"
    )


def lms_user_by_username(*, username: str, email: str = "", source: str) -> User:
    """An LMS identity known only by username (CSV backfill); created without an LMS user id if missing."""
    user = User.objects.filter(username=username).first()
    if user is None:
        try:
            with transaction.atomic():
                return User.objects.create(username=username, email=email, identity_kind=IdentityKind.LMS)
        except IntegrityError:
            user = User.objects.get(username=username)
    if user.is_local_account:
        _refuse_local(username, None, source)
    return user
