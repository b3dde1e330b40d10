"""Learner and staff attempt endpoints: create, act on, reset, and the latest attempt."""

import re

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from exams import exam_cache, exceptions, legacy, selectors
from exams import statuses as s
from exams.models import ExamAttempt
from exams.rest.serializers.attempts import (
    START_CLOCK_PATTERN,
    AttemptIdSerializer,
    CreateAttemptRequestSerializer,
    StudentAttemptSerializer,
    UpdateAttemptRequestSerializer,
    student_attempt_data,
)
from exams.rest.views.base import ExamsAPIView
from exams.services.attempts import act_on_attempt, create_attempt, expire_if_time_up, reset_attempt
from exams_service.security.inputs import MAX_INT, InputError, read_int
from exams_service.security.params import TextParam
from exams_service.security.rest import BoundedJSONParser, CheckedFormParser, CheckedMultiPartParser

# the content id `latest` looks up (usage keys fit Exam.content_id: 255 characters)
CONTENT_ID = TextParam("content_id", max_length=255, description="Usage key of the exam subsection")


def parse_start_clock(value) -> bool:
    """`start_clock` arrives as the strings "true"/"false" (any case) from the MFE; a JSON boolean works too."""
    if value is None:
        return False
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and re.search(START_CLOCK_PATTERN, value):
        return value.strip().lower() == "true"
    raise ValidationError({"detail": 'start_clock must be "true" or "false".'})


def parse_exam_id(value) -> int | None:
    """An exam id as the MFE sends it (a number or a digit string); None when it cannot be one."""
    try:
        return read_int(value, name="exam_id", minimum=-MAX_INT, accept_float=True)
    except InputError:
        return None


def _attempt_or_400(attempt_id: int) -> ExamAttempt:
    attempt = selectors.current_attempts().filter(pk=attempt_id).only("id", "user_id", "exam_id").first()
    if attempt is None:
        raise exceptions.ExamsError(f"Attempt with attempt_id={attempt_id} does not exist.")
    exam_cache.attach(attempt, exam_cache.exam_by_id(attempt.exam_id))
    return attempt


class ExamAttemptCreateView(ExamsAPIView):
    parser_classes = [BoundedJSONParser, CheckedFormParser, CheckedMultiPartParser]  # the contract: "JSON or form"

    @extend_schema(request=CreateAttemptRequestSerializer, responses=AttemptIdSerializer)
    def post(self, request):
        data = request.data if hasattr(request.data, "get") else {}
        exam_id = parse_exam_id(data.get("exam_id"))
        start_clock = parse_start_clock(data.get("start_clock"))
        if exam_id is None:
            raise exceptions.ExamDoesNotExist(f"Exam with exam_id={data.get('exam_id')} does not exist.")
        attempt = create_attempt(user=request.user, exam_id=exam_id, start_clock=start_clock)
        return Response({"exam_attempt_id": attempt.pk})


class ExamAttemptView(ExamsAPIView):
    @extend_schema(request=UpdateAttemptRequestSerializer, responses=AttemptIdSerializer)
    def put(self, request, attempt_id):
        action = request.data.get("action") if hasattr(request.data, "get") else None
        attempt = act_on_attempt(attempt_id=attempt_id, action=action, user=request.user)
        return Response({"exam_attempt_id": attempt.pk})

    @extend_schema(responses={204: OpenApiResponse(description="Reset; the attempt is kept as history")})
    def delete(self, request, attempt_id):
        attempt = _attempt_or_400(attempt_id)
        if not selectors.is_course_staff(request.user, attempt.exam.course_id):
            raise exceptions.PermissionDenied(
                f"user_id={request.user.pk} attempted to delete attempt_id={attempt_id} in "
                f"course_id={attempt.exam.course_id} but does not have access to it."
            )
        reset_attempt(attempt_id=attempt.pk, requesting_user=request.user)
        return Response(status=204)


class LatestAttemptView(ExamsAPIView):
    """The attempt the MFE polls: running first, then a legacy one, then the latest for `content_id`."""

    @extend_schema(
        parameters=[CONTENT_ID.openapi()],
        responses=StudentAttemptSerializer,
    )
    def get(self, request):
        # Usage keys never contain spaces: a client that did not encode `+` sent them as spaces.
        content_id = CONTENT_ID.read((request.query_params.get("content_id") or "").replace(" ", "+"))
        attempt = None
        exam_exists = False
        if content_id:
            exam_exists, attempt = selectors.latest_attempt_for_content(request.user.pk, content_id)
        if not exam_exists:
            attempt = selectors.active_attempt_of_user(request.user.pk)
        if attempt is not None:
            attempt = expire_if_time_up(attempt)
            if attempt.status in s.IN_PROGRESS:
                return Response(student_attempt_data(attempt))
        legacy_attempt = legacy.legacy_active_attempt(request.user)
        if legacy_attempt:
            return Response(legacy_attempt)
        return Response(student_attempt_data(attempt) if attempt is not None else {})
