from django.apps import AppConfig


class XQueueConfig(AppConfig):
    name = "xqueue"
    verbose_name = "XQueue graders"
    default_auto_field = "django.db.models.BigAutoField"
