"""Course staff roles: bulk backfill from CSV (contract §6.2) and single role changes."""

import time
from collections.abc import Iterable

from django.db import IntegrityError, transaction

from exams.models import CourseStaffRole, User


def _user_for_row(username: str, email: str) -> User | None:
    try:
        with transaction.atomic():
            user, _ = User.objects.get_or_create(username=username, defaults={"email": email})
            return user
    except IntegrityError:
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
