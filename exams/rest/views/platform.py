"""Health check and CSRF token endpoints."""

import logging

from django.conf import settings
from django.db import connection
from django.middleware.csrf import get_token
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

log = logging.getLogger(__name__)

OK, UNAVAILABLE = "OK", "UNAVAILABLE"


def _database_status() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return OK
    except Exception:  # noqa: BLE001 - any failure means unavailable
        log.exception("Health check: database unavailable")
        return UNAVAILABLE


def _redis_status() -> str:
    import redis

    try:
        client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=2, socket_timeout=2)
        client.ping()
        return OK
    except redis.RedisError:
        log.exception("Health check: Redis unavailable")
        return UNAVAILABLE


class HealthView(APIView):
    """`GET /health/`: 200 when every configured backend answers, else 503."""

    authentication_classes = []
    permission_classes = [AllowAny]

    @extend_schema(
        responses=inline_serializer(
            "Health", {"overall_status": serializers.CharField(), "detailed_status": serializers.DictField()}
        )
    )
    def get(self, request):
        detailed = {"database_status": _database_status()}
        if settings.REDIS_URL:
            detailed["redis_status"] = _redis_status()
        overall = OK if all(value == OK for value in detailed.values()) else UNAVAILABLE
        return Response({"overall_status": overall, "detailed_status": detailed}, status=200 if overall == OK else 503)


class CsrfTokenView(APIView):
    """`GET /csrf/api/v1/token`: the token the frontend platform sends as X-CSRFToken."""

    authentication_classes = []
    permission_classes = [AllowAny]

    @extend_schema(responses=inline_serializer("CsrfToken", {"csrfToken": serializers.CharField()}))
    def get(self, request):
        return Response({"csrfToken": get_token(request)})
