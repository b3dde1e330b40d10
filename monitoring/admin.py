from django.contrib import admin

from monitoring.models import ProctoringSession, SessionEvent


@admin.register(ProctoringSession)
class ProctoringSessionAdmin(admin.ModelAdmin):
    list_display = ("id", "attempt", "exam", "user", "presence", "flagged", "created")
    list_filter = ("presence", "flagged")
    readonly_fields = ("id", "attempt", "exam", "user", "presence", "presence_changed", "created")
    search_fields = ("id", "user__username")


@admin.register(SessionEvent)
class SessionEventAdmin(admin.ModelAdmin):
    list_display = ("seq", "exam", "session", "type", "kind", "severity", "client_seq", "created")
    list_filter = ("type",)
    search_fields = ("kind", "session__user__username")
    readonly_fields = [field.name for field in SessionEvent._meta.fields]
