from django.urls import include, path

from bench.views import CeilingReadView, CeilingUpdateView

urlpatterns = [
    path("bench/ceiling/read", CeilingReadView.as_view()),
    path("bench/ceiling/update", CeilingUpdateView.as_view()),
    path("", include("exams_service.urls")),
]
