"""API v1 routes, with the reference's path regexes; a trailing slash is accepted everywhere."""

from django.urls import re_path

from exams.rest.views.access_tokens import AccessTokenPublicKeysView, ExamAccessTokenView
from exams.rest.views.attempts import ExamAttemptCreateView, ExamAttemptView, LatestAttemptView
from exams.rest.views.configs import CourseExamConfigurationView
from exams.rest.views.course_exams import CourseExamsView
from exams.rest.views.instructor import AllowanceDetailView, AllowancesView, InstructorAttemptsListView
from exams.rest.views.learner import OnboardingView, ProctoringSettingsView, StudentExamAttemptView
from exams.rest.views.providers import ProctoringProvidersView
from exams_service.security.params import ID_REGEX

INTERNAL_COURSE_KEY_PATTERN = r"([^/+]+(/|\+)[^/+]+(/|\+)[^/?]+)"
EXTERNAL_COURSE_KEY_PATTERN = r"([A-Za-z0-9-_:]+)"
COURSE_ID_PATTERN = rf"(?P<course_id>({INTERNAL_COURSE_KEY_PATTERN}|{EXTERNAL_COURSE_KEY_PATTERN}))"
USAGE_KEY_PATTERN = r"(?P<content_id>(?:i4x://?[^/]+/[^/]+/[^/]+/[^@]+(?:@[^/]+)?)|(?:[^/]+))"
EXAM_ID_PATTERN = rf"(?P<exam_id>{ID_REGEX})"
COURSE = rf"course_id/{COURSE_ID_PATTERN}"

# The two reads the MFE polls come first (resolution tries patterns in order); no pattern matches a path of another.
urlpatterns = [
    re_path(r"^exams/attempt/latest/?$", LatestAttemptView.as_view(), name="exams-attempt-latest"),
    re_path(
        rf"^student/exam/attempt/{COURSE}/content_id/{USAGE_KEY_PATTERN}/?$",
        StudentExamAttemptView.as_view(),
        name="student-course_exam_attempt",
    ),
    re_path(rf"^exams/{COURSE}/allowances/?$", AllowancesView.as_view(), name="course-allowances"),
    re_path(
        rf"^exams/{COURSE}/allowances/(?P<allowance_id>{ID_REGEX})/?$",
        AllowanceDetailView.as_view(),
        name="course-allowance",
    ),
    re_path(rf"^exams/{COURSE}/?$", CourseExamsView.as_view(), name="exams-course_exams"),
    re_path(rf"^configs/{COURSE}/?$", CourseExamConfigurationView.as_view(), name="course-exam-config"),
    re_path(r"^providers?/?$", ProctoringProvidersView.as_view(), name="proctoring-providers-list"),
    re_path(r"^access_tokens/public_keys/?$", AccessTokenPublicKeysView.as_view(), name="exam-access-token-keys"),
    re_path(rf"^access_tokens/exam_id/{EXAM_ID_PATTERN}/?$", ExamAccessTokenView.as_view(), name="exam-access-tokens"),
    re_path(r"^exams/attempt/?$", ExamAttemptCreateView.as_view(), name="exams-attempt"),
    re_path(rf"^exams/attempt/(?P<attempt_id>{ID_REGEX})/?$", ExamAttemptView.as_view(), name="exams-attempt-detail"),
    re_path(
        rf"^instructor_view/{COURSE}/attempts/?$", InstructorAttemptsListView.as_view(), name="instructor-attempts-list"
    ),
    re_path(
        rf"^exam/provider_settings/{COURSE}/exam_id/{EXAM_ID_PATTERN}/?$",
        ProctoringSettingsView.as_view(),
        name="proctoring-settings",
    ),
    re_path(rf"^student/{COURSE}/onboarding/?$", OnboardingView.as_view(), name="student-onboarding"),
]
