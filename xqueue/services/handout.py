"""Handing submissions to graders: FIFO, one grader at a time, visibility timeout, attempt cap."""

import secrets
from dataclasses import dataclass
from datetime import timedelta
from functools import cache

from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from xqueue.constants import FAILURE_REPLY
from xqueue.models import Queue, Submission, SubmissionState
from xqueue.services.delivery import due_now
from xqueue.services.dispatch import schedule_delivery

CANDIDATES_PER_ROUND = 8
MAX_ROUNDS = 20


@dataclass(frozen=True)
class Handout:
    submission_id: int
    key: str
    lms_body: str
    has_files: bool


def _eligible(queue: Queue, now):
    return Submission.objects.filter(queue=queue, state=SubmissionState.PENDING, visible_at__lte=now).order_by(
        "arrival_time", "id"
    )


def _fail_exhausted(*, submission_id: int, attempts: int, now) -> bool:
    """Fail a timed-out submission that used all its attempts (compare-and-set on attempts)."""
    failed = Submission.objects.filter(
        pk=submission_id, state=SubmissionState.PENDING, visible_at__lte=now, attempts=attempts
    ).update(
        state=SubmissionState.FAILED,
        finished_at=now,
        failure_reason=f"no result after {attempts} hand-outs",
        grader_reply=FAILURE_REPLY,
        **due_now(now),
    )
    if failed:
        schedule_delivery(submission_id=submission_id, expected_attempts=0)
    return bool(failed)


def _take(*, queue: Queue, submission_id: int, attempts: int, grader: str, now) -> str | None:
    """Compare-and-set claim: rotate the key and restart the visibility timeout; None if someone was faster."""
    key = secrets.token_hex(16)
    claimed = Submission.objects.filter(
        pk=submission_id, state=SubmissionState.PENDING, visible_at__lte=now, attempts=attempts
    ).update(
        pull_key=key,
        pulled_at=now,
        visible_at=now + timedelta(seconds=queue.visibility_timeout),
        attempts=F("attempts") + 1,
        grader=grader[:150],
    )
    return key if claimed else None


def _claim_with_row_locks(*, queue: Queue, grader: str) -> Handout | None:
    for _ in range(MAX_ROUNDS):
        with transaction.atomic():
            if connection.vendor == "postgresql":
                # A claim lost in a database crash only means the submission is handed out again, so it need
                # not wait for the WAL flush; results (put_result) keep full durability.
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL synchronous_commit TO OFF")
            now = timezone.now()
            row = (
                _eligible(queue, now)
                .select_for_update(skip_locked=True)
                .values_list("id", "attempts", "lms_body", "has_files")
                .first()
            )
            if row is None:
                return None
            submission_id, attempts, lms_body, has_files = row
            if attempts >= queue.max_attempts:
                _fail_exhausted(submission_id=submission_id, attempts=attempts, now=now)
                continue
            key = _take(queue=queue, submission_id=submission_id, attempts=attempts, grader=grader, now=now)
            if key:
                return Handout(submission_id, key, lms_body, has_files)
    return None


def _claim_with_conditional_update(*, queue: Queue, grader: str) -> Handout | None:
    for _ in range(MAX_ROUNDS):
        now = timezone.now()
        candidates = list(_eligible(queue, now).values_list("id", "attempts")[:CANDIDATES_PER_ROUND])
        if not candidates:
            return None
        for submission_id, attempts in candidates:
            with transaction.atomic():
                if attempts >= queue.max_attempts:
                    _fail_exhausted(submission_id=submission_id, attempts=attempts, now=now)
                    continue
                key = _take(queue=queue, submission_id=submission_id, attempts=attempts, grader=grader, now=now)
                if key:
                    lms_body, has_files = Submission.objects.values_list("lms_body", "has_files").get(pk=submission_id)
                    return Handout(submission_id, key, lms_body, has_files)
    return None


@cache
def _claim_sql(vendor: str) -> str:
    """The statement that locks the oldest visible submission with attempts left (SKIP LOCKED, so concurrent
    graders pass each other) and claims it. Parameters: the claim's (key, now, visible_at, grader) and the
    candidate's (queue, state, now, max_attempts), in the order `_claim_params` gives."""
    table = connection.ops.quote_name(Submission._meta.db_table)
    due = (
        f"SELECT id FROM {table} WHERE queue_id = %s AND state = %s AND visible_at <= %s AND attempts < %s "
        "ORDER BY arrival_time, id LIMIT 1 FOR UPDATE SKIP LOCKED"
    )
    if vendor == "postgresql":
        claim = "pull_key = %s, pulled_at = %s, visible_at = %s, attempts = attempts + 1, grader = %s"
        return (
            f"SET LOCAL synchronous_commit TO OFF; UPDATE {table} SET {claim} WHERE id = ({due}) "
            "RETURNING id, pull_key, lms_body, has_files"
        )
    # MariaDB/MySQL: no UPDATE … RETURNING; the claimed id comes back in the OK packet (LAST_INSERT_ID(expr))
    claim = "s.pull_key = %s, s.pulled_at = %s, s.visible_at = %s, s.attempts = s.attempts + 1, s.grader = %s"
    return f"UPDATE {table} AS s JOIN ({due}) AS due ON s.id = due.id SET {claim}, s.id = LAST_INSERT_ID(s.id)"


def _claim_in_one_statement(*, queue: Queue, grader: str) -> Handout | None:
    """Claim the oldest visible submission that has attempts left in one statement, or None when there is none
    (the general path then also fails exhausted submissions).

    PostgreSQL: `UPDATE … WHERE id = (SELECT … FOR UPDATE SKIP LOCKED) RETURNING`. A claim lost in a database
    crash only means the submission is handed out again, so its commit need not wait for the WAL flush: `SET
    LOCAL` travels in the same simple-protocol message (Django's client-side binding), which PostgreSQL runs as
    one transaction, so the claim stays one round trip. Results (put_result) keep full durability.
    MariaDB/MySQL: `UPDATE … JOIN (SELECT … FOR UPDATE SKIP LOCKED)` in autocommit (no BEGIN, COMMIT or `SET
    autocommit`), then the body by primary key: two round trips.
    """
    now = timezone.now()
    key = secrets.token_hex(16)
    visible_at = now + timedelta(seconds=queue.visibility_timeout)
    vendor = connection.vendor
    if vendor != "postgresql":  # psycopg adapts aware datetimes itself
        now, visible_at = (connection.ops.adapt_datetimefield_value(value) for value in (now, visible_at))
    claim = [key, now, visible_at, grader[:150]]
    due = [queue.pk, SubmissionState.PENDING, now, queue.max_attempts]
    params = claim + due if vendor == "postgresql" else due + claim  # MariaDB: the JOIN's subquery comes first
    with connection.cursor() as cursor:
        if vendor == "postgresql":
            cursor.execute(_claim_sql(vendor), params)
            cursor.nextset()
            row = cursor.fetchone()
            return Handout(*row) if row else None
        if not cursor.execute(_claim_sql(vendor), params):
            return None
        submission_id = cursor.lastrowid
        cursor.execute(f"SELECT lms_body, has_files FROM {_table()} WHERE id = %s", [submission_id])
        lms_body, has_files = cursor.fetchone()
    return Handout(submission_id, key, lms_body, bool(has_files))


def _table() -> str:
    return connection.ops.quote_name(Submission._meta.db_table)


def _has_exhausted(queue: Queue) -> bool:
    """Whether a visible submission of `queue` has used all its attempts (and must be failed, not handed out)."""
    sql = f"SELECT 1 FROM {_table()} WHERE queue_id = %s AND state = %s AND visible_at <= %s AND attempts >= %s LIMIT 1"
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    with connection.cursor() as cursor:
        cursor.execute(sql, [queue.pk, SubmissionState.PENDING, now, queue.max_attempts])
        return cursor.fetchone() is not None


def claim_next(*, queue: Queue, grader: str) -> Handout | None:
    """Hand the oldest visible submission of `queue` to `grader`, or None when there is nothing to grade.

    PostgreSQL and MariaDB lock the candidate row with SKIP LOCKED so concurrent graders pass each other, in one
    statement (MySQL 8, untested with it, in a transaction); elsewhere an atomic conditional update on the
    attempt counter decides who wins.
    """
    if connection.vendor == "postgresql" or getattr(connection, "mysql_is_mariadb", False):
        handout = _claim_in_one_statement(queue=queue, grader=grader)
        if handout is None and _has_exhausted(queue):  # an empty poll stays one more cheap read
            handout = _claim_with_row_locks(queue=queue, grader=grader)
        return handout
    if connection.features.has_select_for_update_skip_locked:
        return _claim_with_row_locks(queue=queue, grader=grader)
    return _claim_with_conditional_update(queue=queue, grader=grader)


def fail_exhausted_submissions(*, limit: int = 500) -> int:
    """Fail timed-out submissions that used all their attempts, so learners stop waiting; returns the count."""
    now = timezone.now()
    rows = (
        Submission.objects.filter(
            state=SubmissionState.PENDING, visible_at__lte=now, attempts__gte=F("queue__max_attempts")
        )
        .order_by("visible_at")
        .values_list("id", "attempts")[:limit]
    )
    failed = 0
    for submission_id, attempts in list(rows):
        with transaction.atomic():
            failed += _fail_exhausted(submission_id=submission_id, attempts=attempts, now=now)
    return failed
