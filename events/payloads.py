"""The ExamAttemptData of an attempt, its JSON snapshot in the outbox, and which signal a status emits."""

from opaque_keys.edx.keys import CourseKey, UsageKey
from openedx_events.learning import signals as oe
from openedx_events.learning.data import ExamAttemptData, UserData, UserPersonalData
from openedx_events.tooling import OpenEdxPublicSignal

from exams.api import Actor, statuses

SIGNAL_BY_STATUS: dict[str, OpenEdxPublicSignal] = {
    statuses.SUBMITTED: oe.EXAM_ATTEMPT_SUBMITTED,
    statuses.VERIFIED: oe.EXAM_ATTEMPT_VERIFIED,
    statuses.REJECTED: oe.EXAM_ATTEMPT_REJECTED,
    statuses.ERROR: oe.EXAM_ATTEMPT_ERRORED,
}
RESET_SIGNAL = oe.EXAM_ATTEMPT_RESET
ALL_SIGNALS = (*SIGNAL_BY_STATUS.values(), RESET_SIGNAL)


def signal_for(event_type: str) -> OpenEdxPublicSignal:
    return OpenEdxPublicSignal.get_signal_by_type(event_type)


def requesting_user_for(*, to_status: str, actor: str, attempt, requesting_user):
    """Who caused the event: the learner for a submission, the staff member for a staff action, else None."""
    if to_status == statuses.SUBMITTED:
        return attempt.user
    if actor == Actor.STAFF:
        return requesting_user
    return None  # the proctoring tool, the system (timers), or the learner reporting an error


def user_json(user) -> dict:
    return {
        "id": user.lms_user_id,
        "is_active": bool(user.is_active),
        "pii": {"username": user.username, "email": user.email or "", "name": user.full_name or ""},
    }


def attempt_json(attempt, requesting_user=None) -> dict:
    """Snapshot of the event data; a requesting user without an LMS id is left out (it could not be sent)."""
    requester = user_json(requesting_user) if requesting_user is not None else None
    if requester is not None and requester["id"] is None:
        requester = None
    return {
        "student_user": user_json(attempt.user),
        "course_key": attempt.exam.course_id,
        "usage_key": attempt.exam.content_id,
        "exam_type": attempt.exam.exam_type,
        "requesting_user": requester,
    }


def _user_data(data: dict | None) -> UserData | None:
    if data is None:
        return None
    return UserData(id=data["id"], is_active=data["is_active"], pii=UserPersonalData(**data["pii"]))


def exam_attempt_data(payload: dict) -> ExamAttemptData:
    return ExamAttemptData(
        student_user=_user_data(payload["student_user"]),
        course_key=CourseKey.from_string(payload["course_key"]),
        usage_key=UsageKey.from_string(payload["usage_key"]),
        exam_type=payload["exam_type"],
        requesting_user=_user_data(payload["requesting_user"]),
    )
