"""Learner views of an exam: the exam with its attempt, provider settings, onboarding."""

from django.http import HttpResponse
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework.response import Response

from exams import exam_cache, selectors
from exams.models import Exam
from exams.rest.serializers.attempts import ProviderSettingsSerializer, StudentExamSerializer, student_exam_data
from exams.rest.views.base import ExamsAPIView
from exams.services.attempts import expire_if_time_up


class StudentExamAttemptView(ExamsAPIView):
    @extend_schema(responses=inline_serializer("StudentExamResponse", {"exam": StudentExamSerializer()}))
    def get(self, request, course_id, content_id):
        exam = selectors.active_exam_by_content_id(content_id)
        if exam is None:
            return Response({"exam": {}})
        attempt, allowance = selectors.attempt_and_allowance(request.user.pk, exam.pk)
        if attempt is not None:
            exam_cache.attach(attempt, exam)
            attempt = expire_if_time_up(attempt)
        return Response({"exam": student_exam_data(exam, attempt=attempt, allowance=allowance)})


class ProctoringSettingsView(ExamsAPIView):
    @extend_schema(responses=ProviderSettingsSerializer)
    def get(self, request, course_id, exam_id):
        config = selectors.course_exam_configuration(course_id)
        body = {"proctoring_escalation_email": config.escalation_email if config else None}
        exam = Exam.objects.select_related("provider").filter(pk=exam_id, course_id=course_id).first()
        if exam is None or exam.provider is None:
            return Response(body)
        provider = exam.provider
        return Response(
            {
                "provider_tech_support_email": provider.tech_support_email,
                "provider_tech_support_phone": provider.tech_support_phone,
                "provider_tech_support_url": provider.tech_support_url,
                "provider_name": provider.verbose_name,
                **body,
            }
        )


class OnboardingView(ExamsAPIView):
    """Onboarding exams are not supported here: 404 with an empty body tells the MFE to hide it."""

    @extend_schema(responses={404: OpenApiResponse(description="Onboarding is not supported")})
    def get(self, request, course_id):
        return HttpResponse(status=404)
