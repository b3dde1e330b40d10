from django.apps import AppConfig


class LegacyRouterConfig(AppConfig):
    name = "legacy_router"
    verbose_name = "Legacy router (edx-proctoring)"

    def ready(self):
        from exams.api import register_legacy_active_attempt_lookup
        from legacy_router.services import legacy_active_attempt

        register_legacy_active_attempt_lookup(legacy_active_attempt)
