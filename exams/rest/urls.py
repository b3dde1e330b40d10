"""API v1 routes. Patterns are unanchored at the end like the reference, so trailing slashes work."""

from django.urls import re_path

from exams.rest.views.configs import CourseExamConfigurationView
from exams.rest.views.course_exams import CourseExamsView
from exams.rest.views.providers import ProctoringProvidersView

INTERNAL_COURSE_KEY_PATTERN = r"([^/+]+(/|\+)[^/+]+(/|\+)[^/?]+)"
EXTERNAL_COURSE_KEY_PATTERN = r"([A-Za-z0-9-_:]+)"
COURSE_ID_PATTERN = rf"(?P<course_id>({INTERNAL_COURSE_KEY_PATTERN}|{EXTERNAL_COURSE_KEY_PATTERN}))"
USAGE_KEY_PATTERN = r"(?P<content_id>(?:i4x://?[^/]+/[^/]+/[^/]+/[^@]+(?:@[^/]+)?)|(?:[^/]+))"
EXAM_ID_PATTERN = r"(?P<exam_id>\d+)"

urlpatterns = [
    re_path(rf"^exams/course_id/{COURSE_ID_PATTERN}/?$", CourseExamsView.as_view(), name="exams-course_exams"),
    re_path(rf"^configs/course_id/{COURSE_ID_PATTERN}/?$", CourseExamConfigurationView.as_view(), name="course-exam-config"),
    re_path(r"^providers?/?$", ProctoringProvidersView.as_view(), name="proctoring-providers-list"),
]
