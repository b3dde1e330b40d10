"""Accepting LMS submissions: validation, superseding, file storage."""

import uuid
from collections.abc import Iterable

from django.conf import settings
from django.core.files.storage import storages
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from exams_service.security.inputs import InputError, clean_text_problem, read_json
from exams_service.security.outgoing_urls import OutgoingUrlRefused, check_url
from xqueue import selectors
from xqueue.exceptions import FileTooLarge, InvalidSubmitFormat, QueueNotFound
from xqueue.models import Submission, SubmissionFile, SubmissionState, callback_digest
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
    digest = callback_digest(parsed["lms_callback_url"])
    with transaction.atomic():
        Submission.objects.filter(callback_digest=digest, state=SubmissionState.PENDING).update(
            state=SubmissionState.SUPERSEDED, finished_at=now, failure_reason="superseded by a newer submission"
        )
        submission = Submission.objects.create(
            queue=queue,
            lms_header=header,
            lms_body=body,
            lms_callback_url=parsed["lms_callback_url"],
            callback_digest=digest,
            requester=requester[:64],
            arrival_time=now,
            visible_at=now,
            has_files=bool(stored),
        )
        for file in stored:
            file.submission = submission
        SubmissionFile.objects.bulk_create(stored)
    return selectors.queue_length(queue=queue)
