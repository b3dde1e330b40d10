"""`exams/course_id/{course_id}`: Studio's exam registration and the course's active exams."""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.response import Response

from exams.auth.permissions import IsCourseStaff
from exams.rest.serializers.exams import ExamRegistrationSerializer, ExamSerializer
from exams.rest.views.base import ExamsAPIView, invalid_list_data, require_list
from exams.selectors import active_course_exams
from exams.services.course_exams import sync_course_exams


class CourseExamsView(ExamsAPIView):
    permission_classes = [IsCourseStaff]

    @extend_schema(responses=ExamSerializer(many=True))
    def get(self, request, course_id):
        return Response(ExamSerializer(active_course_exams(course_id), many=True).data)

    @extend_schema(request=ExamRegistrationSerializer, responses={200: OpenApiResponse(description="`{}`")})
    def patch(self, request, course_id):
        serializer = ExamRegistrationSerializer(data=require_list(request.data), context={"course_id": course_id})
        if not serializer.is_valid():
            raise invalid_list_data(serializer)
        sync_course_exams(course_id=course_id, exams=serializer.validated_data)
        return Response({})
