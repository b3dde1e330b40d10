"""The ceiling: trivial JWT-authenticated DRF endpoints doing one indexed read or one update."""

from django.utils import timezone
from rest_framework.response import Response
from rest_framework.views import APIView

from exams.models import ExamAttempt


class CeilingReadView(APIView):
    def get(self, request):
        status = ExamAttempt.objects.filter(user_id=request.user.pk).values_list("status", flat=True).first()
        return Response({"status": status})


class CeilingUpdateView(APIView):
    def put(self, request):
        updated = ExamAttempt.objects.filter(user_id=request.user.pk).update(modified=timezone.now())
        return Response({"updated": updated})
