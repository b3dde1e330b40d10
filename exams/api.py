"""The exams app's public surface for other apps (re-exports only)."""

from exams import exceptions, statuses
from exams.auth.authentication import JwtAuthentication
from exams.auth.backends import LMS_SESSION_BACKEND, LocalAccountBackend
from exams.auth.permissions import IsCourseStaff
from exams.exam_types import get_exam_type
from exams.exceptions import ExamsError
from exams.legacy import register_legacy_active_attempt_lookup
from exams.models import AttemptReview, CourseExamConfiguration, Exam, ExamAttempt, ProctoringProvider, User
from exams.rest.views.base import ExamsAPIView, require_list
from exams.selectors import (
    attempt_for_update,
    attempt_has_ended,
    course_exam_configuration,
    course_uses_this_service,
    is_course_staff,
)
from exams.services.attempt_clock import add_extra_time, clock_can_change, set_clock_paused
from exams.services.attempts import apply_action, reset_attempt
from exams.services.course_staff import REPLICATED_ROLES, add_course_staff_role, remove_course_staff_role
from exams.services.reviews import find_review, has_review, record_review
from exams.services.statement_parts import NeedsTransaction, StatementPart, StatusChange, register_statement_part
from exams.signals import attempt_clock_changed, attempt_reset, attempt_status_changed
from exams.state_machine import TOOL_REVIEWABLE, Action, Actor, allowed_actions
from exams.timers import time_remaining_seconds

__all__ = [
    "exceptions",
    "REPLICATED_ROLES",
    "TOOL_REVIEWABLE",
    "Action",
    "Actor",
    "AttemptReview",
    "CourseExamConfiguration",
    "Exam",
    "ExamAttempt",
    "ExamsAPIView",
    "ExamsError",
    "IsCourseStaff",
    "NeedsTransaction",
    "StatementPart",
    "StatusChange",
    "JwtAuthentication",
    "LMS_SESSION_BACKEND",
    "LocalAccountBackend",
    "ProctoringProvider",
    "User",
    "add_course_staff_role",
    "add_extra_time",
    "allowed_actions",
    "clock_can_change",
    "apply_action",
    "attempt_clock_changed",
    "attempt_for_update",
    "attempt_has_ended",
    "attempt_reset",
    "attempt_status_changed",
    "course_exam_configuration",
    "course_uses_this_service",
    "find_review",
    "get_exam_type",
    "has_review",
    "is_course_staff",
    "record_review",
    "register_statement_part",
    "register_legacy_active_attempt_lookup",
    "remove_course_staff_role",
    "require_list",
    "reset_attempt",
    "set_clock_paused",
    "statuses",
    "time_remaining_seconds",
]
