"""Exam types and their flags (contract §1.4)."""

from dataclasses import dataclass


@dataclass(frozen=True)
class ExamType:
    name: str
    is_proctored: bool
    is_timed: bool
    is_practice: bool


PROCTORED = ExamType("proctored", is_proctored=True, is_timed=True, is_practice=False)
TIMED = ExamType("timed", is_proctored=False, is_timed=True, is_practice=False)
PRACTICE = ExamType("practice", is_proctored=True, is_timed=True, is_practice=True)
ONBOARDING = ExamType("onboarding", is_proctored=True, is_timed=True, is_practice=True)

EXAM_TYPES = {exam_type.name: exam_type for exam_type in (ONBOARDING, PRACTICE, PROCTORED, TIMED)}
CHOICES = [(name, name) for name in EXAM_TYPES]


def get_exam_type(name: str) -> ExamType | None:
    return EXAM_TYPES.get(name)
