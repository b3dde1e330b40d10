"""The service's own URLconf, as deployed, with the in-stack ceiling views after it (they resolve last)."""

from django.urls import path

from bench.views import CeilingReadView, CeilingUpdateView
from exams_service.urls import handler400, handler404  # noqa: F401
from exams_service.urls import urlpatterns as service_urlpatterns

urlpatterns = [
    *service_urlpatterns,
    path("bench/ceiling/read", CeilingReadView.as_view()),
    path("bench/ceiling/update", CeilingUpdateView.as_view()),
]
