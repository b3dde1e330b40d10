from django.apps import AppConfig


class ExamsConfig(AppConfig):
    name = "exams"
    verbose_name = "Exams"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        import exams_service.db_checks  # noqa: F401 - registers the database connection checks
