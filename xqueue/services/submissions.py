"""Accepting LMS submissions: validation, superseding, file storage."""

import uuid
from collections.abc import Iterable

from django.conf import settings
from django.core.files.storage import storages
from django.core.files.uploadedfile import UploadedFile
from django.db import connection, transaction
from django.utils import timezone

from exams_service.security.inputs import InputError, clean_text_problem, read_json
from exams_service.security.outgoing_urls import OutgoingUrlRefused, check_url
from xqueue import selectors
from xqueue.exceptions import FileTooLarge, InvalidSubmitFormat, QueueNotFound
from xqueue.models import DeliveryState, Submission, SubmissionFile, SubmissionState, callback_digest
from xqueue.services.delivery import callback_hosts

REQUIRED_HEADER_FIELDS = ("lms_callback_url", "lms_key", "queue_name")
MAX_ENVELOPE_DEPTH = 32


def file_storage():
    return storages[settings.XQUEUE_STORAGE_ALIAS]


def parse_lms_header(header: str | None) -> dict:
    """The LMS header as a dict, or InvalidSubmitFormat."""
    try:
        parsed = read_json(header, name="xqueue_header", max_depth=MAX_ENVELOPE_DEPTH)
    except InputError as exc:  # also NUL / lone surrogates: PostgreSQL text and the renderers refuse them
        raise InvalidSubmitFormat() from exc
    if not isinstance(parsed, dict) or any(field not in parsed for field in REQUIRED_HEADER_FIELDS):
        raise InvalidSubmitFormat()
    if not isinstance(parsed["lms_callback_url"], str) or not parsed["lms_callback_url"]:
        raise InvalidSubmitFormat()
    try:
        check_url(parsed["lms_callback_url"], allowed_hosts=callback_hosts())
    except OutgoingUrlRefused as exc:
        raise InvalidSubmitFormat() from exc
    return parsed


def _check_lms_body(body: str) -> None:
    """The body is stored verbatim and handed to graders; when it is JSON it must be readable JSON."""
    try:
        read_json(body, name="xqueue_body", max_depth=MAX_ENVELOPE_DEPTH)
    except InputError as exc:
        if "not valid JSON" not in exc.detail:
            raise InvalidSubmitFormat() from exc


def _store_files(*, queue_name: str, files: Iterable[tuple[str, UploadedFile]]) -> list[SubmissionFile]:
    storage = file_storage()
    stored = []
    try:
        for name, upload in files:
            if upload.size is not None and upload.size > settings.XQUEUE_MAX_FILE_SIZE:
                raise FileTooLarge()
            path = storage.save(f"xqueue/{queue_name}/{uuid.uuid4().hex}", upload)
            stored.append(SubmissionFile(name=name.replace("\x00", "")[:255], path=path, size=upload.size or 0))
    except Exception:
        for file in stored:
            storage.delete(file.path)
        raise
    return stored


def submit(
    *, header: str | None, body: str | None, files: Iterable[tuple[str, UploadedFile]] = (), requester: str = ""
) -> int:
    """Queue an LMS submission; supersede the learner's pending one; return the queue length after it."""
    if body is None or clean_text_problem(body):
        raise InvalidSubmitFormat()
    parsed = parse_lms_header(header)
    _check_lms_body(body)
    queue_name = str(parsed["queue_name"])
    queue = selectors.queue_by_name(queue_name)
    if queue is None:
        raise QueueNotFound(queue_name)
    stored = _store_files(queue_name=queue.name, files=files)
    now = timezone.now()
    row = {
        "queue_id": queue.pk,
        "lms_header": header,
        "lms_body": body,
        "lms_callback_url": parsed["lms_callback_url"],
        "callback_digest": callback_digest(parsed["lms_callback_url"]),
        "requester": requester[:64],
        "arrival_time": now,
        "has_files": bool(stored),
        "visible_at": now,
    }
    if stored:  # the files and their submission commit together
        with transaction.atomic():
            submission_id = _insert(row)
            for file in stored:
                file.submission_id = submission_id
            SubmissionFile.objects.bulk_create(stored)
    else:
        submission_id = _insert(row)
    _supersede_older(digest=row["callback_digest"], newest_id=submission_id, now=now)
    return _queue_length(queue_id=queue.pk, now=now)


_DEFAULTS = {  # the columns a new submission does not set, as the model's defaults
    "state": SubmissionState.PENDING,
    "pull_key": "",
    "attempts": 0,
    "grader": "",
    "grader_reply": "",
    "failure_reason": "",
    "delivery_state": DeliveryState.NONE,
    "delivery_attempts": 0,
    "delivery_error": "",
}


def _insert(row: dict) -> int:
    """One INSERT in plain SQL (the ORM's save machinery cost more than the statement); returns the new id."""
    values = {**row, **_DEFAULTS}
    for name in ("arrival_time", "visible_at"):
        values[name] = connection.ops.adapt_datetimefield_value(values[name])
    table = connection.ops.quote_name(Submission._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(name) for name in values)
    sql = f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * len(values))})"
    with connection.cursor() as cursor:
        if connection.features.can_return_columns_from_insert:
            cursor.execute(sql + " RETURNING id", list(values.values()))
            return cursor.fetchone()[0]
        cursor.execute(sql, list(values.values()))
        return cursor.lastrowid


def _supersede_older(*, digest: str, newest_id: int, now) -> None:
    """The learner's older pending submissions of this problem (same callback URL) are superseded by the newest:
    after the insert, so concurrent resubmissions leave the highest id pending whatever their order."""
    table = connection.ops.quote_name(Submission._meta.db_table)
    sql = (
        f"UPDATE {table} SET state = %s, finished_at = %s, failure_reason = %s "
        "WHERE callback_digest = %s AND state = %s AND id < %s"
    )
    now = connection.ops.adapt_datetimefield_value(now)
    params = [SubmissionState.SUPERSEDED, now, "superseded by a newer submission", digest, SubmissionState.PENDING]
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, newest_id])


def _queue_length(*, queue_id: int, now) -> int:
    """Submissions a grader could receive now, as `selectors.queue_length` counts them."""
    table = connection.ops.quote_name(Submission._meta.db_table)
    sql = f"SELECT COUNT(*) FROM {table} WHERE queue_id = %s AND state = %s AND visible_at <= %s"
    with connection.cursor() as cursor:
        cursor.execute(sql, [queue_id, SubmissionState.PENDING, connection.ops.adapt_datetimefield_value(now)])
        return cursor.fetchone()[0]
