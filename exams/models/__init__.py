"""Exams data model."""

from exams.models.attempts import ExamAttempt, StudentAllowance
from exams.models.courses import CourseExamConfiguration, CourseStaffRole, ProctoringProvider
from exams.models.exams import Exam
from exams.models.reviews import AttemptReview
from exams.models.users import IdentityKind, User

__all__ = [
    "AttemptReview",
    "CourseExamConfiguration",
    "CourseStaffRole",
    "Exam",
    "IdentityKind",
    "ExamAttempt",
    "ProctoringProvider",
    "StudentAllowance",
    "User",
]
