"""Exam access tokens for the LMS content renderer, and the public key that verifies them."""

from django.utils import timezone
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from exams import exceptions, selectors
from exams.access_tokens import decide_access, public_jwk_set, sign_access_token
from exams.models import Exam
from exams.rest.serializers.attempts import AccessTokenSerializer
from exams.rest.views.base import ExamsAPIView


class ExamAccessTokenView(ExamsAPIView):
    @extend_schema(responses=AccessTokenSerializer)
    def get(self, request, exam_id):
        exam = Exam.objects.filter(pk=exam_id).first()
        if exam is None:
            raise exceptions.NotFound("Exam does not exist")
        attempt = selectors.current_attempt(request.user.pk, exam.pk)
        decision = decide_access(user=request.user, exam=exam, attempt=attempt, now=timezone.now())
        if not decision.granted:
            raise exceptions.PermissionDenied("Exam access token not granted")
        token = sign_access_token(
            lms_user_id=request.user.lms_user_id,
            expiry_seconds=decision.expiry_seconds,
            course_id=exam.course_id,
            content_id=exam.content_id,
        )
        return Response({"exam_access_token": token, "exam_access_token_expiration": decision.expiry_seconds})


class AccessTokenPublicKeysView(ExamsAPIView):
    """The JWK set the LMS configures to verify exam access tokens."""

    authentication_classes = []
    permission_classes = [AllowAny]

    @extend_schema(
        responses=inline_serializer("JwkSet", {"keys": serializers.ListField(child=serializers.DictField())})
    )
    def get(self, request):
        return Response(public_jwk_set())
