from django.apps import AppConfig
from lti_consumer.apps import LTIConsumerApp


class LtiConsumerLibraryConfig(LTIConsumerApp):
    """lti-consumer-xblock's app; AutoField keeps its migrations in step with ours (no site-packages drift)."""

    default_auto_field = "django.db.models.AutoField"


class LtiConfig(AppConfig):
    name = "lti"
    verbose_name = "LTI proctoring"
    default_auto_field = "django.db.models.BigAutoField"
