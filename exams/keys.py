"""Validation of Open edX opaque keys (course and usage keys)."""

from opaque_keys import InvalidKeyError
from opaque_keys.edx.keys import CourseKey, UsageKey


def is_valid_course_key(value: str) -> bool:
    try:
        CourseKey.from_string(value)
    except (InvalidKeyError, TypeError, ValueError):
        return False
    return True


def is_valid_usage_key(value: str) -> bool:
    try:
        UsageKey.from_string(value)
    except (InvalidKeyError, TypeError, ValueError):
        return False
    return True
