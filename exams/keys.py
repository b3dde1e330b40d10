"""Validation of Open edX opaque keys (course and usage keys).

edx-opaque-keys accepts deprecated slash-separated keys such as `../../x`; a key whose org, course or run is
empty, `.` or `..` could steer a path built from it, so it is refused here, wherever keys enter.
"""

from functools import lru_cache

from opaque_keys import InvalidKeyError
from opaque_keys.edx.keys import CourseKey, UsageKey

PATH_STEERING_PARTS = ("", ".", "..")
# The course keys the OpenAPI schema advertises: `course-v1:ORG+COURSE+RUN` and the deprecated `ORG/COURSE/RUN`,
# each part opaque-keys' id characters in ASCII, not starting with a dot (so never `.` or `..`). Every key it matches
# is valid (`is_valid_course_key`); keys with non-ASCII letters are accepted too but not advertised
# (ECMA-262's `\w` is ASCII). tests/test_schema_truth.py holds the two together.
_PART = r"[A-Za-z0-9_~:-][A-Za-z0-9_~:.-]*"
_DEPRECATED_PART = r"[A-Za-z0-9_-][A-Za-z0-9_.-]*"
COURSE_KEY_PATTERN = (
    rf"^(course-v1:{_PART}\+{_PART}\+{_PART}|{_DEPRECATED_PART}/{_DEPRECATED_PART}/{_DEPRECATED_PART})$"
)


def _safe_course_key(key, *, run_optional: bool = False) -> bool:
    """Org, course and run are non-empty and not `.`/`..` (old i4x usage keys have no run)."""
    names = ("org", "course") if run_optional and getattr(key, "run", None) is None else ("org", "course", "run")
    return all(isinstance(part, str) and part not in PATH_STEERING_PARTS for part in map(key.__getattribute__, names))


def parse_course_key(value: str):
    """The CourseKey, or None when `value` is not a course key or has an empty, `.` or `..` part."""
    try:
        key = CourseKey.from_string(value)
    except (InvalidKeyError, TypeError, ValueError):
        return None
    return key if _safe_course_key(key) else None


@lru_cache(maxsize=1024)
def is_valid_course_key(value: str) -> bool:
    """Cached: every course-scoped request checks its URL's key, and parsing one costs ~25 Python calls."""
    return parse_course_key(value) is not None


def _usage_course(value: str):
    try:
        course = UsageKey.from_string(value).course_key
    except (InvalidKeyError, TypeError, ValueError):
        return None
    return course if _safe_course_key(course, run_optional=True) else None


def course_of_usage_key(value: str) -> str | None:
    """The course key a usage key belongs to, or None (not a safe usage key, or an i4x key without a run)."""
    course = _usage_course(value)
    return str(course) if course is not None and course.run is not None else None


def usage_key_in_course(content_id: str, course_id: str) -> bool:
    """True when the usage key `content_id` belongs to the course `course_id` (org, course and run agree)."""
    usage_course, course = _usage_course(content_id), parse_course_key(course_id)
    if usage_course is None or course is None:
        return False
    same = (usage_course.org, usage_course.course) == (course.org, course.course)
    return same and usage_course.run in (None, course.run)


def is_valid_usage_key(value: str) -> bool:
    return _usage_course(value) is not None
