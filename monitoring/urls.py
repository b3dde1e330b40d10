"""REST helpers under /api/v1/proctoring/ and the dashboard page under /monitoring/."""

from django.urls import path

from monitoring import views

urlpatterns = [
    path("api/v1/proctoring/sessions", views.LearnerSessionView.as_view(), name="monitoring-session"),
    path(
        "api/v1/proctoring/sessions/<uuid:session_id>/ws_ticket",
        views.SessionTicketView.as_view(),
        name="monitoring-session-ticket",
    ),
    path(
        "api/v1/proctoring/monitor/exams/<int:exam_id>/ws_ticket",
        views.DashboardTicketView.as_view(),
        name="monitoring-dashboard-ticket",
    ),
    path(
        "api/v1/proctoring/monitor/exams/<int:exam_id>/events",
        views.ExamEventsView.as_view(),
        name="monitoring-exam-events",
    ),
    path(
        "api/v1/proctoring/monitor/exams/<int:exam_id>/sessions",
        views.ExamSessionsView.as_view(),
        name="monitoring-exam-sessions",
    ),
    path("monitoring/exams/<int:exam_id>/", views.dashboard_page, name="monitoring-dashboard-page"),
]
