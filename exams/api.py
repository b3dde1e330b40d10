"""What other apps may use from exams (re-exports only)."""

from exams import statuses
from exams.exceptions import ExamsError
from exams.models import Exam, ExamAttempt, ProctoringProvider, User
from exams.selectors import is_course_staff
from exams.services.attempts import apply_action
from exams.state_machine import Action, Actor

__all__ = [
    "Action",
    "Actor",
    "Exam",
    "ExamAttempt",
    "ExamsError",
    "ProctoringProvider",
    "User",
    "apply_action",
    "is_course_staff",
    "statuses",
]
