"""Routes the mapped endpoints of courses still on edx-proctoring to their legacy twins (contract §5).

Rule (the reference's): a course with no CourseExamConfiguration, or one whose provider is NULL, belongs to
edx-proctoring. The decision is made by resolved URL name in `process_view`; authentication and permissions
run inside the legacy view (DRF), with the same classes as the local view. Without LMS_ROOT_URL and the
OAuth2 credentials nothing is routed and the local views answer. Must be the last entry of MIDDLEWARE.
"""

from exams.api import course_uses_this_service
from legacy_router.conf import legacy_settings
from legacy_router.views import (
    CourseExamAttemptLegacyView,
    CourseExamsLegacyView,
    ProctoringSettingsLegacyView,
    UserOnboardingLegacyView,
)

LEGACY_VIEWS = {
    "exams-course_exams": CourseExamsLegacyView.as_view(),
    "student-course_exam_attempt": CourseExamAttemptLegacyView.as_view(),
    "proctoring-settings": ProctoringSettingsLegacyView.as_view(),
    "student-onboarding": UserOnboardingLegacyView.as_view(),
}


class LegacyRouterMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = getattr(request, "resolver_match", None)
        legacy_view = LEGACY_VIEWS.get(match.url_name) if match is not None else None
        if legacy_view is None:
            return None
        course_id = view_kwargs.get("course_id")
        if not course_id or legacy_settings() is None or course_uses_this_service(course_id):
            return None
        return legacy_view(request, *view_args, **view_kwargs)
