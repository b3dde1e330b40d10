"""Reads of the ACS: the attempt a control request is about, within the calling tool's registration."""

import uuid

from acs.errors import AcsError
from exams.api import ExamAttempt, User


def attempt_for_tool(*, lti_config_id: int, user_sub: str, resource_link_id: str, attempt_number: int) -> ExamAttempt:
    """The learner's (not reset) attempt `attempt_number` at the exam `resource_link_id`, of an exam proctored by
    the registration `lti_config_id`; 404 otherwise (other registrations' exams do not exist for this tool)."""
    try:
        anonymous_user_id = uuid.UUID(user_sub)
    except ValueError:
        anonymous_user_id = None
    user = User.objects.filter(anonymous_user_id=anonymous_user_id).first() if anonymous_user_id else None
    if user is None:
        raise AcsError(f"Unknown user: no learner has the anonymous id user.sub={user_sub!r}.", 404)
    attempt = (
        ExamAttempt.objects.select_related("exam__provider")
        .filter(
            user=user,
            exam__resource_id=resource_link_id,
            exam__provider__lti_configuration_id=str(lti_config_id),
            attempt_number=attempt_number,
            reset_at__isnull=True,
        )
        .first()
    )
    if attempt is None:
        raise AcsError(
            f"Unknown attempt: no attempt_number={attempt_number} of this learner at resource_link.id="
            f"{resource_link_id!r} for this tool.",
            404,
        )
    return attempt
