from django.apps import AppConfig


class ExamsConfig(AppConfig):
    name = "exams"
    verbose_name = "Exams"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        import exams_service.db_checks  # noqa: F401 - registers the database connection checks
        from exams_service import db_health

        db_health.connect()
        from exams_service.security import deploy_checks, login_throttle  # noqa: F401 - checks and receivers
