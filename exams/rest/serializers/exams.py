"""Serializers for course exams, configurations and providers."""

from rest_framework import serializers

from exams import exam_types
from exams.keys import is_valid_usage_key, usage_key_in_course
from exams.models import Exam, ProctoringProvider


class ExamSerializer(serializers.ModelSerializer):
    class Meta:
        model = Exam
        fields = [
            "id",
            "exam_name",
            "course_id",
            "content_id",
            "time_limit_mins",
            "due_date",
            "exam_type",
            "hide_after_due",
            "is_active",
        ]


class ExamRegistrationItemSerializer(serializers.Serializer):
    """One exam of Studio's PATCH body; `course_id`, `backend` and unknown keys are ignored."""

    content_id = serializers.CharField(max_length=255)
    exam_name = serializers.CharField()
    time_limit_mins = serializers.IntegerField(min_value=0, max_value=2**31 - 1)
    due_date = serializers.DateTimeField(allow_null=True)
    exam_type = serializers.ChoiceField(
        choices=exam_types.CHOICES, error_messages={"invalid_choice": "Must be a valid exam type."}
    )
    hide_after_due = serializers.BooleanField()
    is_active = serializers.BooleanField()

    def validate_content_id(self, value):
        if not is_valid_usage_key(value):
            raise serializers.ValidationError("Must be a valid usage key.")
        course_id = self.context.get("course_id")
        if course_id is not None and not usage_key_in_course(value, course_id):
            raise serializers.ValidationError(f"Must be a usage key of the course {course_id}.")
        return value


class ExamRegistrationSerializer(serializers.ListSerializer):
    child = ExamRegistrationItemSerializer()

    def validate(self, attrs):
        content_ids = [item["content_id"] for item in attrs]
        if len(content_ids) != len(set(content_ids)):
            raise serializers.ValidationError("Each content_id may appear only once.")
        return attrs


class CourseExamConfigurationSerializer(serializers.Serializer):
    """PATCH body: both keys are required; a null provider requires a null escalation email."""

    provider = serializers.CharField(allow_null=True)
    escalation_email = serializers.EmailField(allow_null=True)

    def validate_provider(self, value):
        if value is None:
            return None
        provider = ProctoringProvider.objects.filter(name=value).first()
        if provider is None:
            raise serializers.ValidationError("Proctoring provider does not exist.")
        return provider

    def validate(self, attrs):
        if attrs["provider"] is None and attrs["escalation_email"] is not None:
            raise serializers.ValidationError("Escalation email must be None when provider is None.")
        return attrs


class CourseExamConfigurationReadSerializer(serializers.Serializer):
    provider = serializers.CharField(allow_null=True)
    escalation_email = serializers.EmailField(allow_null=True)


class ProctoringProviderSerializer(serializers.ModelSerializer):
    class Meta:
        model = ProctoringProvider
        fields = ["name", "verbose_name", "lti_configuration_id"]
