"""Course staff roles: bulk backfill from CSV (contract §6.2) and single role changes."""

import time
from collections.abc import Iterable

from django.db import IntegrityError, transaction

from exams.exceptions import IdentityRefused
from exams.models import CourseStaffRole, IdentityKind, User
from exams.services.users import lms_user_by_username, match_lms_identity


def _user_for_row(username: str, email: str) -> User | None:
    """The LMS identity a CSV row names; None (logged) when the username is a local account's."""
    try:
        return lms_user_by_username(username=username, email=email, source="bulk_add_course_staff")
    except IdentityRefused:
        return None


def bulk_add_course_staff(*, rows: Iterable[dict], batch_size: int = 200, batch_delay: float = 1.0) -> int:
    """Create users and roles from rows with `username,email,role,course_id`; returns roles created."""
    created = 0
    batch: list[CourseStaffRole] = []
    seen: set[tuple[int, str, str | None]] = set()  # NULL roles are not deduplicated by the unique constraint

    def flush():
        nonlocal created, batch
        if not batch:
            return
        before = CourseStaffRole.objects.count()
        CourseStaffRole.objects.bulk_create(batch, ignore_conflicts=True)
        created += CourseStaffRole.objects.count() - before
        batch = []

    for row in rows:
        username = (row.get("username") or "").strip()
        course_id = (row.get("course_id") or "").strip()
        if not username or not course_id:
            continue
        user = _user_for_row(username, (row.get("email") or "").strip())
        if user is None:
            continue
        role = (row.get("role") or "").strip() or None
        key = (user.pk, course_id, role)
        if key in seen or CourseStaffRole.objects.filter(user=user, course_id=course_id, role=role).exists():
            continue
        seen.add(key)
        batch.append(CourseStaffRole(user=user, course_id=course_id, role=role))
        if len(batch) >= batch_size:
            flush()
            if batch_delay:
                time.sleep(batch_delay)
    flush()
    return created


# --- single role changes replicated from the LMS (COURSE_ACCESS_ROLE_ADDED / _REMOVED) -----------

REPLICATED_ROLES = frozenset({"staff", "instructor", "limited_staff"})


def _user_for_event(*, username: str, lms_user_id: int | None, email: str) -> User | None:
    try:
        if lms_user_id is None:
            return lms_user_by_username(username=username, email=email, source="role event")
        return match_lms_identity(
            username=username, lms_user_id=lms_user_id, defaults={"email": email}, source="role event"
        )
    except IdentityRefused:
        return None


def add_course_staff_role(
    *, username: str, lms_user_id: int | None = None, email: str = "", course_id: str, role: str
) -> bool:
    """Give the LMS user `role` in the course, creating the user if missing; True when a role was created.

    Matched by LMS user id when the event carries one; never a local account (refused and logged). Only the
    LMS roles that make someone course staff are replicated; others are ignored. Idempotent.
    """
    if role not in REPLICATED_ROLES or not username or not course_id:
        return False
    with transaction.atomic():
        user = _user_for_event(username=username, lms_user_id=lms_user_id, email=email)
        if user is None:
            return False
        try:
            with transaction.atomic():
                _, created = CourseStaffRole.objects.get_or_create(user=user, course_id=course_id, role=role)
        except IntegrityError:  # the same event handled concurrently
            created = False
    return created


def remove_course_staff_role(*, username: str, lms_user_id: int | None = None, course_id: str, role: str) -> bool:
    """Remove the role if present (never creates users); True when a role was removed. Idempotent."""
    if role not in REPLICATED_ROLES:
        return False
    holder = {"user__lms_user_id": lms_user_id} if lms_user_id is not None else {"user__username": username}
    roles = CourseStaffRole.objects.filter(user__identity_kind=IdentityKind.LMS, course_id=course_id, role=role)
    deleted, _ = roles.filter(**holder).delete()
    return deleted > 0
