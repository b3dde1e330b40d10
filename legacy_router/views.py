"""The legacy twins of the mapped views: same authentication and permissions, answers from edx-proctoring.

They are reached only through LegacyRouterMiddleware. Methods outside `http_method_names` (HEAD, POST...)
get DRF's 405 after authentication, exactly as on the local views.
"""

from drf_spectacular.utils import extend_schema
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.permissions import IsAdminUser, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from exams.api import ExamsAPIView, IsCourseStaff, JwtAuthentication, is_course_staff, require_list
from legacy_router import breaker, metrics, services
from legacy_router.client import LegacyInvalidResponse, LegacyUnavailable
from legacy_router.conf import legacy_settings

UNAVAILABLE = "Legacy proctoring service unavailable"
INVALID_JSON = "Invalid JSON response received from edx-proctoring"


def forward(operation, **kwargs) -> Response:
    """Run a forwarding service and shape its outcome: pass-through, 503 + Retry-After, or 502."""
    config = legacy_settings()
    if config is None:  # configuration removed while the request was in flight
        return Response({"detail": UNAVAILABLE}, status=503, headers={"Retry-After": "5"})
    try:
        result = operation(config=config, **kwargs)
    except LegacyUnavailable as exc:
        return Response({"detail": UNAVAILABLE}, status=503, headers={"Retry-After": str(exc.retry_after)})
    except LegacyInvalidResponse:
        return Response({"detail": INVALID_JSON, "data": INVALID_JSON}, status=502)
    return Response(result.data, status=result.status)


class LegacyView(ExamsAPIView):
    authentication_classes = [JwtAuthentication]
    permission_classes = [IsAuthenticated]
    http_method_names = ["get", "options"]


class CourseExamsLegacyView(LegacyView):
    """`exams/course_id/{course_id}` for a course on edx-proctoring."""

    permission_classes = [IsCourseStaff]
    http_method_names = ["get", "patch", "options"]

    def get(self, request, course_id):
        return Response([], status=404)

    def patch(self, request, course_id):
        return forward(services.register_exams, course_id=course_id, exams=require_list(request.data, what="items"))


class CourseExamAttemptLegacyView(LegacyView):
    """`student/exam/attempt/course_id/{course_id}/content_id/{content_id}` for a course on edx-proctoring."""

    def get(self, request, course_id, content_id):
        if request.user.lms_user_id is None:
            raise ValidationError({"detail": "The user has no LMS user id, so edx-proctoring cannot be asked."})
        return forward(
            services.exam_with_attempt, course_id=course_id, content_id=content_id, lms_user_id=request.user.lms_user_id
        )


class ProctoringSettingsLegacyView(LegacyView):
    """`exam/provider_settings/course_id/{course_id}/exam_id/{exam_id}` for a course on edx-proctoring."""

    def get(self, request, course_id, exam_id):
        return forward(services.provider_settings, course_id=course_id, exam_id=exam_id)


class UserOnboardingLegacyView(LegacyView):
    """`student/course_id/{course_id}/onboarding[?username=]`: another learner's status needs course staff."""

    def get(self, request, course_id):
        username = request.query_params.get("username") or request.user.username
        if username != request.user.username and not is_course_staff(request.user, course_id):
            raise PermissionDenied("Only course staff may read another learner's onboarding status.")
        return forward(services.onboarding_status, course_id=course_id, username=username)


class LegacyRouterMetricsView(APIView):
    """Global staff: forwarding counters, latency histograms and the circuit breaker state (all processes)."""

    authentication_classes = [JwtAuthentication]
    permission_classes = [IsAdminUser]

    @extend_schema(exclude=True)
    def get(self, request):
        return Response(
            {"enabled": legacy_settings() is not None, "circuit": breaker.state(), "endpoints": metrics.snapshot()}
        )
