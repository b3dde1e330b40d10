from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "monitoring"
    verbose_name = "Live proctoring sessions"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from monitoring import bridge  # noqa: F401 - connects the attempt signal receivers
