from django.http import HttpResponse
from django.urls import path

from bench.ceiling.views import PollView, StatusUpdateView

urlpatterns = [
    path("poll", PollView.as_view()),
    path("attempt/<int:attempt_id>", StatusUpdateView.as_view()),
    path("health/", lambda request: HttpResponse("ok")),
]
