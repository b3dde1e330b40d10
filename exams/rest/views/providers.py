"""`providers` / `provider`: the public list of proctoring providers."""

from drf_spectacular.utils import extend_schema
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from exams.rest.serializers.exams import ProctoringProviderSerializer
from exams.rest.views.base import ExamsAPIView
from exams.selectors import providers_for_org
from exams_service.security.inputs import InputError
from exams_service.security.params import TextParam

ORG = TextParam("org", max_length=255, description="Providers of this org and of no org")


class ProctoringProvidersView(ExamsAPIView):
    permission_classes = [AllowAny]

    @extend_schema(
        parameters=[ORG.openapi()],
        responses=ProctoringProviderSerializer(many=True),
    )
    def get(self, request):
        try:
            org = ORG.read(request.query_params.get("org"))
        except InputError as error:
            raise ValidationError({"detail": "org must be an organization key."}) from error
        return Response(ProctoringProviderSerializer(providers_for_org(org), many=True).data)
