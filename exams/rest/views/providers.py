"""`providers` / `provider`: the public list of proctoring providers."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from exams.rest.serializers.exams import ProctoringProviderSerializer
from exams.rest.views.base import ExamsAPIView
from exams.selectors import providers_for_org


class ProctoringProvidersView(ExamsAPIView):
    permission_classes = [AllowAny]

    @extend_schema(
        parameters=[OpenApiParameter("org", str, description="Providers of this org and of no org")],
        responses=ProctoringProviderSerializer(many=True),
    )
    def get(self, request):
        org = request.query_params.get("org")
        if org is not None and ("\x00" in org or len(org) > 255):
            raise ValidationError({"detail": "org must be an organization key."})
        return Response(ProctoringProviderSerializer(providers_for_org(org), many=True).data)
