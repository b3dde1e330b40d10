"""The least a correct endpoint does after authentication: one indexed read or one UPDATE."""

from django.db import connection
from django.utils import timezone
from rest_framework.response import Response
from rest_framework.views import APIView


class PollView(APIView):
    """The learner's latest attempt: one indexed read."""

    def get(self, request):
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT id, status FROM exams_examattempt WHERE user_id = %s ORDER BY id DESC LIMIT 1", [request.user]
            )
            row = cursor.fetchone()
        return Response({"attempt_id": row[0], "attempt_status": row[1]} if row else {})


class StatusUpdateView(APIView):
    """Set the status of the learner's own attempt: one UPDATE that checks ownership in its WHERE clause."""

    STATUS_FOR_ACTION = {"stop": "ready_to_submit", "start": "started"}

    def put(self, request, attempt_id: int):
        status = self.STATUS_FOR_ACTION.get(request.data.get("action") if isinstance(request.data, dict) else None)
        if status is None:
            return Response({"detail": "unknown action"}, status=400)
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE exams_examattempt SET status = %s, modified = %s WHERE id = %s AND user_id = %s",
                [status, timezone.now(), attempt_id, request.user],
            )
            updated = cursor.rowcount
        return Response(
            {"exam_attempt_id": attempt_id} if updated else {"detail": "not found"}, status=200 if updated else 404
        )
