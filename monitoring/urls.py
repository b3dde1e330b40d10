"""REST helpers under /api/v1/proctoring/ and the dashboard page under /monitoring/."""

from django.urls import path, register_converter

from exams_service.security.params import IdConverter
from monitoring import views

register_converter(IdConverter, "id")

urlpatterns = [
    path("api/v1/proctoring/sessions", views.LearnerSessionView.as_view(), name="monitoring-session"),
    path(
        "api/v1/proctoring/sessions/<uuid:session_id>/ws_ticket",
        views.SessionTicketView.as_view(),
        name="monitoring-session-ticket",
    ),
    path(
        "api/v1/proctoring/monitor/exams/<id:exam_id>/ws_ticket",
        views.DashboardTicketView.as_view(),
        name="monitoring-dashboard-ticket",
    ),
    path(
        "api/v1/proctoring/monitor/exams/<id:exam_id>/events",
        views.ExamEventsView.as_view(),
        name="monitoring-exam-events",
    ),
    path(
        "api/v1/proctoring/monitor/exams/<id:exam_id>/sessions",
        views.ExamSessionsView.as_view(),
        name="monitoring-exam-sessions",
    ),
    path("monitoring/exams/<id:exam_id>/", views.dashboard_page, name="monitoring-dashboard-page"),
]
