"""The exams app's public surface for other apps (re-exports only)."""

from exams import exceptions, statuses
from exams.auth.authentication import JwtAuthentication
from exams.auth.permissions import IsCourseStaff
from exams.exam_types import get_exam_type
from exams.legacy import register_legacy_active_attempt_lookup
from exams.models import CourseExamConfiguration, Exam, ExamAttempt, User
from exams.rest.views.base import ExamsAPIView, require_list
from exams.selectors import course_exam_configuration, course_uses_this_service, is_course_staff
from exams.services.attempt_clock import set_clock_paused
from exams.services.attempts import apply_action
from exams.services.course_staff import REPLICATED_ROLES, add_course_staff_role, remove_course_staff_role
from exams.signals import attempt_clock_changed, attempt_reset, attempt_status_changed
from exams.state_machine import Action, Actor

__all__ = [
    "REPLICATED_ROLES",
    "Action",
    "Actor",
    "CourseExamConfiguration",
    "Exam",
    "ExamAttempt",
    "ExamsAPIView",
    "IsCourseStaff",
    "JwtAuthentication",
    "User",
    "add_course_staff_role",
    "apply_action",
    "attempt_clock_changed",
    "attempt_reset",
    "attempt_status_changed",
    "course_exam_configuration",
    "course_uses_this_service",
    "exceptions",
    "get_exam_type",
    "is_course_staff",
    "register_legacy_active_attempt_lookup",
    "remove_course_staff_role",
    "require_list",
    "set_clock_paused",
    "statuses",
]
