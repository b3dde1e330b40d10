"""Response shapes for attempts, exactly as the learner MFE and the instructor dashboard read them."""

from django.conf import settings
from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from exams import timers
from exams.review_reasons import reason_text


def exam_url_path(exam) -> str:
    return f"{settings.LEARNING_MICROFRONTEND_URL}/course/{exam.course_id}/{exam.content_id}"


_DATETIME = serializers.DateTimeField()


def student_attempt_data(attempt) -> dict:
    """The attempt shape the MFE polls, built directly (the serializer below documents it)."""
    exam = attempt.exam
    return {
        "attempt_id": attempt.pk,
        "attempt_status": attempt.status,
        "course_id": exam.course_id,
        "exam_type": exam.exam_type,
        "exam_display_name": exam.exam_name,
        "exam_url_path": exam_url_path(exam),
        "time_remaining_seconds": timers.time_remaining_seconds(attempt, timezone.now()),
        "is_paused": attempt.is_paused,
    }


class StudentAttemptSerializer(serializers.Serializer):
    attempt_id = serializers.IntegerField(source="pk")
    attempt_status = serializers.CharField(source="status")
    course_id = serializers.CharField(source="exam.course_id")
    exam_type = serializers.CharField(source="exam.exam_type")
    exam_display_name = serializers.CharField(source="exam.exam_name")
    exam_url_path = serializers.SerializerMethodField()
    time_remaining_seconds = serializers.SerializerMethodField()
    is_paused = serializers.BooleanField(help_text="The proctor stopped the clock (extra key; clients ignore it).")

    def to_representation(self, attempt):
        return student_attempt_data(attempt)

    def get_exam_url_path(self, attempt) -> str:
        return exam_url_path(attempt.exam)

    def get_time_remaining_seconds(self, attempt) -> float:
        return timers.time_remaining_seconds(attempt, timezone.now())


class ProctoredReviewSerializer(serializers.Serializer):
    submission_time = serializers.DateTimeField(source="incident_time")
    severity = serializers.DecimalField(max_digits=3, decimal_places=2)
    submission_reason = serializers.SerializerMethodField()

    def get_submission_reason(self, review) -> str:
        return reason_text(review.reason_code)


class InstructorAttemptSerializer(serializers.Serializer):
    attempt_id = serializers.IntegerField(source="pk")
    attempt_status = serializers.CharField(source="status")
    start_time = serializers.DateTimeField(allow_null=True, help_text="null until the attempt starts")
    end_time = serializers.DateTimeField(allow_null=True, help_text="null until the attempt ends")
    allowed_time_limit_mins = serializers.IntegerField(allow_null=True, help_text="null until the attempt starts")
    exam_type = serializers.CharField(source="exam.exam_type")
    exam_display_name = serializers.CharField(source="exam.exam_name")
    username = serializers.CharField(source="user.username")
    proctored_review = serializers.SerializerMethodField()

    def get_proctored_review(self, attempt) -> ProctoredReviewSerializer(allow_null=True):
        reviews = [review for review in attempt.reviews.all() if review.action_type == "terminate"]
        return ProctoredReviewSerializer(reviews[0]).data if reviews else None


# `start_clock` as views.attempts.parse_start_clock reads it: "true"/"false" in any case, spaces around allowed
START_CLOCK_PATTERN = r"^\s*([Tt][Rr][Uu][Ee]|[Ff][Aa][Ll][Ss][Ee])\s*$"


@extend_schema_field({"oneOf": [{"type": "boolean"}, {"type": "string", "pattern": START_CLOCK_PATTERN}]})
class StartClockField(serializers.Field):
    """Documents `start_clock` (the view parses it)."""


class CreateAttemptRequestSerializer(serializers.Serializer):
    exam_id = serializers.IntegerField(help_text="Id of an active exam")
    start_clock = StartClockField(required=False, help_text='"true" or "false" (a JSON boolean also works)')
    attempt_proctored = serializers.CharField(required=False, help_text="Ignored")


class UpdateAttemptRequestSerializer(serializers.Serializer):
    action = serializers.ChoiceField(
        choices=["start", "stop", "submit", "click_download_software", "error", "verify", "reject"]
    )
    detail = serializers.CharField(required=False, help_text="Ignored")


class AttemptIdSerializer(serializers.Serializer):
    exam_attempt_id = serializers.IntegerField()


def student_exam_data(exam, *, attempt, allowance) -> dict:
    """`exam` of the student exam endpoint, built directly (the serializer below documents it)."""
    info = exam.type_info
    return {
        "id": exam.pk,
        "exam_name": exam.exam_name,
        "course_id": exam.course_id,
        "content_id": exam.content_id,
        "time_limit_mins": exam.time_limit_mins,
        "due_date": _DATETIME.to_representation(exam.due_date) if exam.due_date else None,
        "exam_type": exam.exam_type,
        "hide_after_due": exam.hide_after_due,
        "is_active": exam.is_active,
        "type": exam.exam_type,
        "is_proctored": info.is_proctored,
        "is_practice_exam": info.is_practice,
        "backend": exam.provider.verbose_name if exam.provider_id else None,
        "passed_due_date": exam.due_date is not None and exam.due_date <= timezone.now(),
        "total_time": timers.allowed_minutes_at_start(
            time_limit_mins=exam.time_limit_mins, allowance=allowance, due_date=None, now=None
        ),
        "attempt": student_attempt_data(attempt) if attempt is not None else {},
    }


class StudentExamSerializer(serializers.Serializer):
    """`exam` of the student exam endpoint: the exam's fields plus what the learner MFE needs."""

    id = serializers.IntegerField()
    exam_name = serializers.CharField()
    course_id = serializers.CharField()
    content_id = serializers.CharField()
    time_limit_mins = serializers.IntegerField()
    due_date = serializers.DateTimeField(allow_null=True)
    exam_type = serializers.CharField()
    hide_after_due = serializers.BooleanField()
    is_active = serializers.BooleanField()
    type = serializers.CharField(source="exam_type")
    is_proctored = serializers.BooleanField(source="type_info.is_proctored")
    is_practice_exam = serializers.BooleanField(source="type_info.is_practice")
    backend = serializers.SerializerMethodField()
    passed_due_date = serializers.SerializerMethodField()
    total_time = serializers.SerializerMethodField()
    attempt = serializers.SerializerMethodField()

    def to_representation(self, exam):
        return student_exam_data(exam, attempt=self.context.get("attempt"), allowance=self.context.get("allowance"))

    # The methods only type the schema's fields; to_representation builds the values.
    def get_backend(self, exam) -> str | None: ...

    def get_passed_due_date(self, exam) -> bool: ...

    def get_total_time(self, exam) -> int: ...

    def get_attempt(self, exam) -> StudentAttemptSerializer: ...


class ProviderSettingsSerializer(serializers.Serializer):
    provider_tech_support_email = serializers.CharField(allow_null=True, required=False)
    provider_tech_support_phone = serializers.CharField(allow_null=True, required=False)
    provider_tech_support_url = serializers.CharField(allow_null=True, required=False)
    provider_name = serializers.CharField(required=False)
    proctoring_escalation_email = serializers.EmailField(allow_null=True)


class AccessTokenSerializer(serializers.Serializer):
    exam_access_token = serializers.CharField()
    exam_access_token_expiration = serializers.FloatField()
