"""Admin for queues (with live metrics) and submissions (state badges, operator actions)."""

from django.contrib import admin, messages
from django.utils.html import format_html
from django.utils.timezone import now

from xqueue import selectors, services
from xqueue.models import DeliveryState, Queue, Submission, SubmissionFile, SubmissionState

STATE_COLOURS = {
    "waiting": "#6c757d",
    "in flight": "#0d6efd",
    SubmissionState.GRADED: "#198754",
    SubmissionState.FAILED: "#dc3545",
    SubmissionState.SUPERSEDED: "#adb5bd",
}
DELIVERY_COLOURS = {
    DeliveryState.NONE: "#adb5bd",
    DeliveryState.PENDING: "#0d6efd",
    "retrying": "#fd7e14",
    DeliveryState.DELIVERED: "#198754",
    DeliveryState.GAVE_UP: "#dc3545",
}


def _badge(label: str, colour: str):
    return format_html(
        '<span style="background:{};color:#fff;padding:2px 8px;border-radius:8px;font-size:11px">{}</span>',
        colour,
        label,
    )


@admin.register(Queue)
class QueueAdmin(admin.ModelAdmin):
    list_display = ("name", "visibility_timeout", "max_attempts", "waiting", "in_flight", "oldest_waiting")
    search_fields = ("name",)

    def changelist_view(self, request, extra_context=None):
        self._metrics = {m.name: m for m in selectors.queue_metrics()}
        return super().changelist_view(request, extra_context)

    def _metric(self, obj, field):
        metric = getattr(self, "_metrics", {}).get(obj.name)
        return getattr(metric, field) if metric else None

    @admin.display(description="waiting")
    def waiting(self, obj):
        return self._metric(obj, "length")

    @admin.display(description="in flight")
    def in_flight(self, obj):
        return self._metric(obj, "in_flight")

    @admin.display(description="oldest waiting (s)")
    def oldest_waiting(self, obj):
        age = self._metric(obj, "oldest_age_seconds")
        return "-" if age is None else round(age)


class SubmissionFileInline(admin.TabularInline):
    model = SubmissionFile
    extra = 0
    can_delete = False
    readonly_fields = ("name", "path", "size")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Submission)
class SubmissionAdmin(admin.ModelAdmin):
    """Read-only: every change goes through the actions, which call services."""

    list_display = ("id", "queue", "state_badge", "attempts", "arrival_time", "grader", "delivery_badge")
    list_filter = ("queue", "state", "delivery_state")
    search_fields = ("=id", "lms_callback_url", "grader")
    list_select_related = ("queue",)
    date_hierarchy = "arrival_time"
    actions = ("requeue", "fail", "retry_delivery")
    inlines = (SubmissionFileInline,)

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    @admin.display(description="state", ordering="state")
    def state_badge(self, obj):
        label = obj.state
        if obj.state == SubmissionState.PENDING:
            label = "in flight" if obj.visible_at > now() else "waiting"
        return _badge(label, STATE_COLOURS.get(label, "#6c757d"))

    @admin.display(description="delivery", ordering="delivery_state")
    def delivery_badge(self, obj):
        label = obj.delivery_state
        if label == DeliveryState.PENDING and obj.delivery_attempts:
            label = "retrying"
        text = f"{label} ({obj.delivery_attempts})" if obj.delivery_attempts else label
        return _badge(text, DELIVERY_COLOURS.get(label, "#6c757d"))

    @admin.action(description="Requeue (grade again from the start)")
    def requeue(self, request, queryset):
        count = services.requeue_submissions(submission_ids=list(queryset.values_list("id", flat=True)))
        self.message_user(request, f"{count} submission(s) requeued.", messages.SUCCESS)

    @admin.action(description="Fail (learner sees 'could not be graded')")
    def fail(self, request, queryset):
        ids = list(queryset.values_list("id", flat=True))
        count = services.fail_submissions(submission_ids=ids, reason=f"failed by {request.user.get_username()}")
        self.message_user(request, f"{count} pending submission(s) failed.", messages.SUCCESS)

    @admin.action(description="Retry delivery to the LMS")
    def retry_delivery(self, request, queryset):
        count = services.retry_delivery(submission_ids=list(queryset.values_list("id", flat=True)))
        self.message_user(request, f"Delivery of {count} result(s) scheduled.", messages.SUCCESS)
