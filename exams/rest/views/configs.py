"""`configs/course_id/{course_id}`: the course's proctoring provider and escalation email."""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.response import Response

from exams.auth.permissions import IsCourseStaffOrReadOnly
from exams.rest.serializers.exams import CourseExamConfigurationReadSerializer, CourseExamConfigurationSerializer
from exams.rest.views.base import ExamsAPIView
from exams.selectors import course_exam_configuration
from exams.services.course_configs import update_course_exam_configuration


class CourseExamConfigurationView(ExamsAPIView):
    permission_classes = [IsCourseStaffOrReadOnly]

    @extend_schema(responses=CourseExamConfigurationReadSerializer)
    def get(self, request, course_id):
        config = course_exam_configuration(course_id)
        if config is None:
            return Response({"provider": None, "escalation_email": None})
        return Response(
            {"provider": config.provider.name if config.provider else None, "escalation_email": config.escalation_email}
        )

    @extend_schema(request=CourseExamConfigurationSerializer, responses={204: OpenApiResponse(description="Saved")})
    def patch(self, request, course_id):
        serializer = CourseExamConfigurationSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        update_course_exam_configuration(course_id=course_id, **serializer.validated_data)
        return Response(status=204)
