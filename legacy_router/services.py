"""The forwarded operations: build the exact edx-proctoring call and apply the contract's transformations.

Each function returns a LegacyResponse or raises client.LegacyUnavailable / client.LegacyInvalidResponse.
"""

import logging
from urllib.parse import quote, quote_plus

from exams.api import get_exam_type
from legacy_router import client
from legacy_router.client import LegacyInvalidResponse, LegacyResponse, LegacyUnavailable
from legacy_router.conf import LegacySettings, legacy_settings

log = logging.getLogger(__name__)


def segment(value) -> str:
    """One path segment: `/`, `?`, `#`, `%` and `.`-only values cannot change which endpoint is called."""
    text = quote(str(value), safe="+:@")
    return text.replace(".", "%2E") if text in (".", "..") else text


def register_exams(*, config: LegacySettings, course_id: str, exams: list) -> LegacyResponse:
    """Studio's exam registration → L1, with `is_proctored` / `is_practice_exam` derived from `exam_type`."""
    payload = [_with_legacy_flags(item) for item in exams]
    return client.call(
        config,
        endpoint="exam_registration",
        method="PATCH",
        path=f"proctored_exam/exam_registration/course_id/{segment(course_id)}",
        course_id=course_id,
        json=payload,
    )


def _with_legacy_flags(item):
    exam_type = get_exam_type(item.get("exam_type")) if isinstance(item, dict) else None
    if exam_type is None:
        return item
    return {**item, "is_proctored": exam_type.is_proctored, "is_practice_exam": exam_type.is_practice}


def exam_with_attempt(*, config: LegacySettings, course_id: str, content_id: str, lms_user_id: int) -> LegacyResponse:
    """The learner's exam and attempt → L2; the top-level `active_attempt` is removed, as the reference does."""
    response = client.call(
        config,
        endpoint="exam_attempt",
        method="GET",
        path=(
            f"proctored_exam/attempt/course_id/{segment(course_id)}"
            f"?content_id={quote_plus(content_id)}&user_id={quote_plus(str(lms_user_id))}&is_learning_mfe=true"
        ),
        course_id=course_id,
    )
    if isinstance(response.data, dict) and "active_attempt" in response.data:
        data = {key: value for key, value in response.data.items() if key != "active_attempt"}
        return LegacyResponse(status=response.status, data=data)
    return response


def provider_settings(*, config: LegacySettings, course_id: str, exam_id: int | str) -> LegacyResponse:
    """Proctoring provider settings of a legacy exam → L4 (passed through)."""
    return client.call(
        config,
        endpoint="provider_settings",
        method="GET",
        path=f"proctored_exam/settings/exam_id/{segment(exam_id)}/",
        course_id=course_id,
    )


def onboarding_status(*, config: LegacySettings, course_id: str, username: str) -> LegacyResponse:
    """A learner's onboarding status → L5 (passed through). The caller has checked who may ask for `username`."""
    return client.call(
        config,
        endpoint="onboarding_status",
        method="GET",
        path=(
            f"user_onboarding/status?is_learning_mfe=true&course_id={quote_plus(course_id)}"
            f"&username={quote_plus(username)}"
        ),
        course_id=course_id,
    )


def legacy_active_attempt(user) -> dict | None:
    """The learner's running edx-proctoring attempt (L3) for `exams/attempt/latest`; any failure means none."""
    config = legacy_settings()
    if config is None or getattr(user, "lms_user_id", None) is None:
        return None
    try:
        response = client.call(
            config,
            endpoint="active_attempt",
            method="GET",
            path=f"proctored_exam/active_attempt?user_id={quote_plus(str(user.lms_user_id))}",
        )
    except (LegacyUnavailable, LegacyInvalidResponse) as exc:
        log.warning("Legacy active attempt unavailable for user %s, answering from local data: %s", user.pk, exc)
        return None
    if response.status == 200 and isinstance(response.data, dict) and response.data:
        return response.data
    return None
