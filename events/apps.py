from django.apps import AppConfig


class EventsConfig(AppConfig):
    """Exam attempt events (outbox → Open edX signals / event bus), role-event consumers, status emails."""

    name = "events"
    verbose_name = "Exam events"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        import exams_service  # noqa: F401 - binds shared tasks to the configured Celery app in every process
        from events import receivers, role_events  # noqa: F401 - connects the signal receivers
