"""Django admin for every exams model an operator touches."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db import models
from simple_history.admin import SimpleHistoryAdmin

from exams.models import (
    AttemptReview,
    CourseExamConfiguration,
    CourseStaffRole,
    Exam,
    ExamAttempt,
    ProctoringProvider,
    StudentAllowance,
    User,
)


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ("username", "email", "full_name", "lms_user_id", "is_staff", "is_active")
    search_fields = ("username", "email", "full_name", "=lms_user_id", "=anonymous_user_id")
    readonly_fields = ("anonymous_user_id",)
    fieldsets = DjangoUserAdmin.fieldsets + (("LMS", {"fields": ("full_name", "lms_user_id", "anonymous_user_id")}),)


@admin.register(CourseStaffRole)
class CourseStaffRoleAdmin(admin.ModelAdmin):
    list_display = ("user", "course_id", "role", "created")
    list_filter = ("role",)
    search_fields = ("user__username", "course_id")
    raw_id_fields = ("user",)


@admin.register(ProctoringProvider)
class ProctoringProviderAdmin(admin.ModelAdmin):
    list_display = ("name", "verbose_name", "lti_configuration_id", "org_key", "review_severity_threshold")
    list_filter = ("org_key",)
    search_fields = ("name", "verbose_name", "org_key")
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


@admin.register(CourseExamConfiguration)
class CourseExamConfigurationAdmin(SimpleHistoryAdmin):
    list_display = ("course_id", "provider", "escalation_email", "allow_opt_out", "modified")
    list_filter = ("provider",)
    search_fields = ("course_id", "escalation_email")


@admin.register(Exam)
class ExamAdmin(SimpleHistoryAdmin):
    list_display = ("id", "exam_name", "course_id", "exam_type", "provider", "time_limit_mins", "due_date", "is_active")
    list_filter = ("exam_type", "is_active", "provider")
    search_fields = ("exam_name", "course_id", "content_id", "resource_id")
    readonly_fields = ("resource_id", "created", "modified")


@admin.register(StudentAllowance)
class StudentAllowanceAdmin(admin.ModelAdmin):
    list_display = ("user", "exam", "extra_time_mins", "time_multiplier", "modified")
    search_fields = ("user__username", "user__email", "exam__course_id", "exam__exam_name")
    raw_id_fields = ("user", "exam")


@admin.register(ExamAttempt)
class ExamAttemptAdmin(SimpleHistoryAdmin):
    """Read-only status: every status change goes through the state machine service."""

    list_display = ("id", "user", "exam", "attempt_number", "status", "start_time", "end_time", "reset_at")
    list_filter = ("status", "exam__exam_type")
    search_fields = ("user__username", "exam__course_id", "exam__content_id", "exam__exam_name")
    raw_id_fields = ("user", "exam", "reset_by")
    readonly_fields = (
        "user",
        "exam",
        "attempt_number",
        "status",
        "start_time",
        "end_time",
        "allowed_time_limit_mins",
        "paused_seconds",
        "paused_at",
        "reset_at",
        "reset_by",
        "created",
        "modified",
    )

    def has_add_permission(self, request):
        return False


@admin.register(AttemptReview)
class AttemptReviewAdmin(admin.ModelAdmin):
    """Proctoring reviews as the ACS received them: an audit record, read-only."""

    list_display = ("id", "attempt", "action_type", "severity", "reason_code", "resulting_status", "created")
    list_filter = ("action_type", "resulting_status")
    search_fields = ("attempt__user__username", "attempt__exam__course_id", "reason_code")
    raw_id_fields = ("attempt",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
