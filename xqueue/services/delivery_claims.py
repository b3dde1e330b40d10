"""Claiming many due results at once for a drain, without two drains ever holding the same result.

A claim is what the single-result path does (attempt counter + 1, due time pushed to the lease's end), for up
to `limit` rows in one go. PostgreSQL: one `UPDATE … FROM (SELECT … FOR UPDATE SKIP LOCKED) RETURNING`, so
concurrent drains pass each other and a claim is one round trip. MariaDB/MySQL 8: `SELECT … FOR UPDATE SKIP
LOCKED` then one `UPDATE` in a transaction. Elsewhere (SQLite): a compare-and-set per candidate row. A drain
that dies holding claims leaves them due again when the lease ends; the sweep or the next drain delivers them.
"""

from datetime import datetime

from django.db import connection, transaction
from django.db.models import F

from xqueue.models import DeliveryState, Submission
from xqueue.services.delivery import ClaimedResult

PAYLOAD = ("id", "delivery_attempts", "lms_callback_url", "lms_header", "grader_reply", "finished_at")


def _due(now: datetime):
    return Submission.objects.filter(delivery_state=DeliveryState.PENDING, delivery_due_at__lte=now).order_by(
        "delivery_due_at", "id"
    )


def _claim_in_one_statement(*, limit: int, now: datetime, lease_until: datetime) -> list[ClaimedResult]:
    table = connection.ops.quote_name(Submission._meta.db_table)
    sql = (
        f"UPDATE {table} AS s SET delivery_due_at = %s, delivery_attempts = s.delivery_attempts + 1 "
        f"FROM (SELECT id FROM {table} WHERE delivery_state = %s AND delivery_due_at <= %s "
        "ORDER BY delivery_due_at, id LIMIT %s FOR UPDATE SKIP LOCKED) AS due "
        "WHERE s.id = due.id "
        "RETURNING s.id, s.delivery_attempts, s.lms_callback_url, s.lms_header, s.grader_reply, s.finished_at"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [lease_until, DeliveryState.PENDING, now, limit])
        rows = cursor.fetchall()
    return sorted((ClaimedResult(*row) for row in rows), key=lambda claim: claim.submission_id)


def _claim_with_row_locks(*, limit: int, now: datetime, lease_until: datetime) -> list[ClaimedResult]:
    with transaction.atomic():
        rows = list(_due(now).select_for_update(skip_locked=True).values_list(*PAYLOAD)[:limit])
        if rows:
            Submission.objects.filter(pk__in=[row[0] for row in rows]).update(
                delivery_due_at=lease_until, delivery_attempts=F("delivery_attempts") + 1
            )
    return [ClaimedResult(sid, attempts + 1, *rest) for sid, attempts, *rest in rows]


def _claim_with_conditional_updates(*, limit: int, now: datetime, lease_until: datetime) -> list[ClaimedResult]:
    """One compare-and-set per candidate, each its own transaction (a loser only waits for one row)."""
    claimed = []
    for sid, attempts, *rest in list(_due(now).values_list(*PAYLOAD)[:limit]):
        won = Submission.objects.filter(
            pk=sid, delivery_state=DeliveryState.PENDING, delivery_due_at__lte=now, delivery_attempts=attempts
        ).update(delivery_due_at=lease_until, delivery_attempts=F("delivery_attempts") + 1)
        if won:
            claimed.append(ClaimedResult(sid, attempts + 1, *rest))
    return claimed


def claim_due(*, limit: int, now: datetime, lease_until: datetime) -> list[ClaimedResult]:
    """Claim up to `limit` results due at `now` (oldest first) until `lease_until`; each is claimed once."""
    if connection.vendor == "postgresql":
        return _claim_in_one_statement(limit=limit, now=now, lease_until=lease_until)
    if connection.features.has_select_for_update_skip_locked:
        return _claim_with_row_locks(limit=limit, now=now, lease_until=lease_until)
    return _claim_with_conditional_updates(limit=limit, now=now, lease_until=lease_until)
