"""WebSocket URL routes (served under /ws/ by the ASGI application); any other path is closed with 4404."""

from channels.generic.websocket import AsyncWebsocketConsumer
from django.urls import path, re_path

from monitoring.consumers import ExamDashboardConsumer, LearnerSessionConsumer

NO_SUCH_ENDPOINT = 4404


class UnknownPathConsumer(AsyncWebsocketConsumer):
    """The fallback route: accept, then close with 4404 (the router alone would fail the handshake with a 500)."""

    async def connect(self):
        await self.accept()
        await self.close(code=NO_SUCH_ENDPOINT, reason="No such WebSocket endpoint.")


websocket_urlpatterns = [
    path("ws/v1/proctoring/sessions/<uuid:session_id>/", LearnerSessionConsumer.as_asgi()),
    path("ws/v1/proctoring/monitor/exams/<int:exam_id>/", ExamDashboardConsumer.as_asgi()),
    re_path(r"", UnknownPathConsumer.as_asgi()),
]
