"""Attempt statuses: the exact strings of the edx-exams contract, and their groups."""

CREATED = "created"
DOWNLOAD_SOFTWARE_CLICKED = "download_software_clicked"
READY_TO_START = "ready_to_start"
STARTED = "started"
READY_TO_SUBMIT = "ready_to_submit"
TIMED_OUT = "timed_out"
SUBMITTED = "submitted"
VERIFIED = "verified"
REJECTED = "rejected"
EXPIRED = "expired"
SECOND_REVIEW_REQUIRED = "second_review_required"
ERROR = "error"

ALL = (
    CREATED,
    DOWNLOAD_SOFTWARE_CLICKED,
    READY_TO_START,
    STARTED,
    READY_TO_SUBMIT,
    TIMED_OUT,
    SUBMITTED,
    VERIFIED,
    REJECTED,
    EXPIRED,
    SECOND_REVIEW_REQUIRED,
    ERROR,
)
CHOICES = [(status, status) for status in ALL]

IN_PROGRESS = frozenset({STARTED, READY_TO_SUBMIT})
COMPLETED = frozenset({TIMED_OUT, SUBMITTED, VERIFIED, REJECTED, ERROR, SECOND_REVIEW_REQUIRED})
INCOMPLETE = frozenset({CREATED, DOWNLOAD_SOFTWARE_CLICKED, READY_TO_START, STARTED, READY_TO_SUBMIT})
