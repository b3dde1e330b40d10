"""Course staff views: the attempts of an exam and extra-time allowances."""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.response import Response

from exams import exceptions, selectors
from exams.auth.permissions import IsCourseStaff
from exams.models import Exam
from exams.rest.pagination import BoundedLimitOffsetPagination
from exams.rest.serializers.allowances import AllowanceRequestItemSerializer, AllowanceSerializer
from exams.rest.serializers.attempts import InstructorAttemptSerializer
from exams.rest.views.base import ExamsAPIView, invalid_list_data, require_list
from exams.services.allowances import delete_allowance, upsert_allowances
from exams_service.security.inputs import InputError
from exams_service.security.params import IntParam

EXAM_ID = IntParam("exam_id", minimum=1, required=True, description="Id of an exam of the course")


class InstructorAttemptsListView(ExamsAPIView):
    permission_classes = [IsCourseStaff]
    pagination_class = BoundedLimitOffsetPagination

    @extend_schema(
        parameters=[EXAM_ID.openapi()],
        responses=InstructorAttemptSerializer(many=True),
    )
    def get(self, request, course_id):
        try:
            exam_id = EXAM_ID.read(request.query_params.get("exam_id"))
        except InputError as error:
            raise exceptions.ExamsError("exam_id is required and must be an integer.") from error
        if not Exam.objects.filter(pk=exam_id, course_id=course_id).exists():
            raise exceptions.NotFound("Exam does not exist in course")
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(selectors.instructor_attempts(exam_id), request, view=self)
        return paginator.get_paginated_response(InstructorAttemptSerializer(page, many=True).data)


class AllowancesView(ExamsAPIView):
    permission_classes = [IsCourseStaff]

    @extend_schema(responses=AllowanceSerializer(many=True))
    def get(self, request, course_id):
        return Response(AllowanceSerializer(selectors.course_allowances(course_id), many=True).data)

    @extend_schema(
        request=AllowanceRequestItemSerializer(many=True), responses={200: OpenApiResponse(description="Saved")}
    )
    def post(self, request, course_id):
        serializer = AllowanceRequestItemSerializer(data=require_list(request.data, what="allowances"), many=True)
        if not serializer.is_valid():
            raise invalid_list_data(serializer)
        upsert_allowances(course_id=course_id, items=serializer.validated_data)
        return Response(status=200)


class AllowanceDetailView(ExamsAPIView):
    permission_classes = [IsCourseStaff]

    @extend_schema(responses={204: OpenApiResponse(description="Deleted")})
    def delete(self, request, course_id, allowance_id):
        delete_allowance(course_id=course_id, allowance_id=int(allowance_id))
        return Response(status=204)
