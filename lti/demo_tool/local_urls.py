"""ROOT_URLCONF of settings/local.py: every service route plus the demo tool under /lti/demo_tool/."""

from django.urls import include, path

from exams_service.urls import handler400, handler404  # noqa: F401 (JSON refusals here too)
from exams_service.urls import urlpatterns as service_patterns

urlpatterns = [path("lti/demo_tool/", include("lti.demo_tool.urls")), *service_patterns]
