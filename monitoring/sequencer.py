"""Numbering of status events after their attempt's transaction committed, so learners never queue on a per-exam row.

A status change writes its event with no seq inside the attempt's transaction. After the commit the process's
numbering thread (`monitoring.late_numbering`) numbers the pending events of every exam changed in its window,
on PostgreSQL in one statement that waits for the exams' sequencer rows in exam order (`sequence_pending_many`).
Writers that number in the request (the in-memory layer of development, a terminate whose frame needs its seq,
the sweep) claim the exam's sequencer without waiting (NOWAIT / SKIP LOCKED): one that finds it held reports
"not done" and hands the exam to the thread, which waits for the row off the request path. The skipped event
committed before the skip, so the thread's claim, after the holder's commit, sees it; holders never check again.
The exam's counter row is only locked for the numbering statement, never while a learner's transaction is open.
Events a crash left unnumbered are numbered by the presence sweep. Seqs stay gapless and commit-ordered per
exam, as dashboards require.
"""

import json
import time
from functools import cache

from django.db import OperationalError, connection, transaction
from django.db.models import Exists, OuterRef

from exams_service.prepared_sql import prepared_cursor
from monitoring.models import ExamSequencer, ExamStream, SessionEvent

BATCH = 500
RETRY_PAUSES = (0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2)  # a waiting NOWAIT claim's retries (s)
ROUNDS = 5  # a busy holder gives up after this many batches; the next writer or the sweep carries on


def ensure_stream(exam_id: int) -> None:
    """The exam's counter and sequencer rows (idempotent)."""
    ExamStream.objects.bulk_create([ExamStream(exam_id=exam_id)], ignore_conflicts=True)
    ExamSequencer.objects.bulk_create([ExamSequencer(exam_id=exam_id)], ignore_conflicts=True)


def reserve_seqs(exam_id: int, count: int) -> int:
    """Lock the exam's counter (created if missing) and advance it by `count`; returns the seq before them. Call
    it inside the transaction that inserts the numbered events, after any session rows it locks (lock order)."""
    stream = ExamStream.objects.select_for_update().filter(exam_id=exam_id).first()
    if stream is None:
        ensure_stream(exam_id)
        stream = ExamStream.objects.select_for_update().get(exam_id=exam_id)
    first = stream.last_seq
    stream.last_seq += count
    stream.save(update_fields=["last_seq"])
    return first


def sequence_pending(exam_id: int, *, wait: bool = False) -> tuple[list[SessionEvent], bool]:
    """Number the exam's pending events: (those this call numbered, in seq order; whether it got through).

    Not through means the sequencer was held elsewhere (or the exam is busier than ROUNDS batches): the caller
    must try again with `wait=True` off the request path. `wait=True` waits for the sequencer row instead.
    """
    numbered: list[SessionEvent] = []
    for _ in range(ROUNDS):
        if connection.vendor == "postgresql" and not connection.in_atomic_block:
            batch = _number_batch_in_one_statement(exam_id) if not wait else _number_batch_when_free(exam_id)
        else:
            with transaction.atomic():
                batch = _number_batch(exam_id) if _claim(exam_id, wait=wait) else None
        if batch is None:
            return numbered, False
        numbered += batch
        if len(batch) < BATCH:
            return numbered, True
    return numbered, False


def sequence_pending_many(exam_ids: list[int]) -> dict[int, list[SessionEvent]]:
    """Number the pending events of many exams, waiting for their sequencers (the numbering thread, off the
    request path): {exam: the events this call numbered, in seq order}. PostgreSQL does every exam in one call
    (`monitoring_number_pending_exams`, migration 0006) and calls again only for exams with more than a batch."""
    numbered: dict[int, list[SessionEvent]] = {}
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        for exam_id in exam_ids:
            done = False
            while not done:  # not done only when more than ROUNDS batches were pending
                events, done = sequence_pending(exam_id, wait=True)
                numbered.setdefault(exam_id, []).extend(events)
        return numbered
    remaining = sorted(set(exam_ids))
    while remaining:
        batch = _number_exams_in_one_statement(remaining)
        counts = dict.fromkeys(remaining, 0)
        for event in batch:  # in exam and seq order
            numbered.setdefault(event.exam_id, []).append(event)
            counts[event.exam_id] += 1
        remaining = [exam_id for exam_id, count in counts.items() if count >= BATCH]
    return numbered


def exams_with_pending() -> list[int]:
    """Exams with unnumbered events (one index probe per exam stream): the sweep's leftovers."""
    pending = SessionEvent.objects.filter(exam_id=OuterRef("exam_id"), seq__isnull=True)
    return list(ExamStream.objects.filter(Exists(pending)).values_list("exam_id", flat=True))


def _claim(exam_id: int, *, wait: bool) -> bool:
    rows = ExamSequencer.objects.filter(exam_id=exam_id)
    if connection.vendor == "sqlite":  # one writer at a time anyway
        return rows.exists() or _created(exam_id)
    skip = not wait and connection.features.has_select_for_update_skip_locked
    claimed = rows.select_for_update(skip_locked=skip).values_list("exam_id", flat=True).first()
    if claimed is None and not rows.exists():
        return _created(exam_id) and _claim(exam_id, wait=wait)
    return claimed is not None


def _created(exam_id: int) -> bool:
    ensure_stream(exam_id)
    return True


LOCK_NOT_AVAILABLE = "55P03"


def _number_batch_in_one_statement(exam_id: int) -> list[SessionEvent] | None:
    """PostgreSQL: claim, number and return in one round trip (`monitoring_number_pending`, migrations 0003 and
    0004); None when the sequencer is held elsewhere (the function's NOWAIT refused)."""
    try:
        return _numbered_events(_numbering_sql("monitoring_number_pending"), [exam_id, BATCH])
    except OperationalError as error:
        if getattr(error.__cause__, "sqlstate", None) == LOCK_NOT_AVAILABLE:
            return None
        raise


def _number_exams_in_one_statement(exam_ids: list[int]) -> list[SessionEvent]:
    """PostgreSQL: wait for the exams' sequencers (in exam order), number up to a batch of each (migration 0006)."""
    return _numbered_events(_numbering_sql("monitoring_number_pending_exams", "%s::bigint[]"), [exam_ids, BATCH])


def _numbered_events(sql: str, params: list) -> list[SessionEvent]:
    with prepared_cursor() as cursor:
        cursor.execute(sql, params)
        names = [column.name for column in cursor.description]
        rows = cursor.fetchall()
    events = []
    for row in rows:
        fields = dict(zip(names, row, strict=True))
        if isinstance(fields["data"], str):
            fields["data"] = json.loads(fields["data"])
        events.append(SessionEvent(**fields))
    return events


@cache
def _numbering_sql(function: str, exams: str = "%s") -> str:
    """A numbering call with its result columns named (prepared: `exams_service.prepared_sql`)."""
    columns = ", ".join(connection.ops.quote_name(field.column) for field in SessionEvent._meta.concrete_fields)
    return f"SELECT {columns} FROM {function}({exams}, %s) ORDER BY exam_id, seq"


def _number_batch_when_free(exam_id: int) -> list[SessionEvent]:
    """PostgreSQL, waiting: retry the one-statement claim while the sequencer is held (each holder keeps it for one
    statement), then wait for it in a transaction. Waiting in a transaction holds the row across several round
    trips, which made more writers skip when one exam's learners all write at once."""
    for pause in RETRY_PAUSES:
        batch = _number_batch_in_one_statement(exam_id)
        if batch is not None:
            return batch
        time.sleep(pause)
    with transaction.atomic():
        _claim(exam_id, wait=True)
        return _number_batch(exam_id)


def _number_batch(exam_id: int) -> list[SessionEvent]:
    """Inside the claim: the pending events (read after the claim, so none is numbered twice), numbered in id
    order after the counter, which is bumped by their count."""
    pending = list(SessionEvent.objects.filter(exam_id=exam_id, seq__isnull=True).order_by("id")[:BATCH])
    if not pending:
        return []
    first = reserve_seqs(exam_id, len(pending))
    for offset, event in enumerate(pending, start=1):
        event.seq = first + offset
    SessionEvent.objects.bulk_update(pending, ["seq"])
    return pending
