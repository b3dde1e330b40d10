"""The exams app's public surface for other apps (re-exports only)."""

from exams import statuses
from exams.models import CourseExamConfiguration, ExamAttempt, User
from exams.selectors import course_exam_configuration
from exams.services.course_staff import REPLICATED_ROLES, add_course_staff_role, remove_course_staff_role
from exams.signals import attempt_clock_changed, attempt_reset, attempt_status_changed
from exams.state_machine import Action, Actor

__all__ = [
    "REPLICATED_ROLES",
    "Action",
    "Actor",
    "CourseExamConfiguration",
    "ExamAttempt",
    "User",
    "add_course_staff_role",
    "attempt_clock_changed",
    "attempt_reset",
    "attempt_status_changed",
    "course_exam_configuration",
    "remove_course_staff_role",
    "statuses",
]
