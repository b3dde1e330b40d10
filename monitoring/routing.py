"""WebSocket URL routes (served under /ws/ by the ASGI application)."""

from django.urls import path

from monitoring.consumers import ExamDashboardConsumer, LearnerSessionConsumer

websocket_urlpatterns = [
    path("ws/v1/proctoring/sessions/<uuid:session_id>/", LearnerSessionConsumer.as_asgi()),
    path("ws/v1/proctoring/monitor/exams/<int:exam_id>/", ExamDashboardConsumer.as_asgi()),
]
