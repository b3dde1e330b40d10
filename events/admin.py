"""Operators see the outbox backlog (pending / dead rows, last error, next try) and can replay events."""

from django.contrib import admin, messages

from events import services
from events.models import OutboxEvent


@admin.register(OutboxEvent)
class OutboxEventAdmin(admin.ModelAdmin):
    list_display = ("id", "event_type", "status", "attempt_id", "occurred_at", "tries", "next_try_at", "sent_at")
    list_filter = ("status", "event_type")
    search_fields = ("=id", "=attempt_id", "last_error")
    ordering = ("-created",)
    date_hierarchy = "created"
    readonly_fields = [field.name for field in OutboxEvent._meta.fields]
    actions = ["replay"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_replay_permission(self, request):
        return request.user.has_perm("events.change_outboxevent")

    @admin.action(description="Replay selected events now (same event ids)", permissions=["replay"])
    def replay(self, request, queryset):
        count = services.replay_events(event_ids=queryset.values_list("pk", flat=True))
        self.message_user(request, f"{count} event(s) queued for publishing.", messages.SUCCESS)
