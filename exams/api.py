"""The exams app's public surface for other apps (re-exports only)."""

from exams.auth.authentication import JwtAuthentication
from exams.auth.permissions import IsCourseStaff
from exams.exam_types import get_exam_type
from exams.legacy import register_legacy_active_attempt_lookup
from exams.rest.views.base import ExamsAPIView, require_list
from exams.selectors import course_uses_this_service, is_course_staff

__all__ = [
    "ExamsAPIView",
    "IsCourseStaff",
    "JwtAuthentication",
    "course_uses_this_service",
    "get_exam_type",
    "is_course_staff",
    "register_legacy_active_attempt_lookup",
    "require_list",
]
