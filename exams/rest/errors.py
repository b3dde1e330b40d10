"""Exception handler: every error is a JSON body with `detail`, never an HTML 500 page for bad input."""

import logging

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DatabaseError, DataError
from django.http import Http404, JsonResponse
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from exams.exceptions import ExamsError
from exams_service.security.inputs import InputError

log = logging.getLogger(__name__)


def exception_handler(exc, context):
    if isinstance(exc, RecursionError):  # e.g. JSON nested thousands of levels deep
        return Response({"detail": "JSON parse error - the body is nested too deeply."}, status=400)
    if isinstance(exc, InputError):
        return Response({"detail": exc.detail}, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, ExamsError):
        return Response({"detail": exc.detail}, status=exc.status_code)
    if isinstance(exc, DjangoValidationError):
        return Response({"detail": "; ".join(exc.messages)}, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, Http404):
        return Response({"detail": "Not found."}, status=status.HTTP_404_NOT_FOUND)
    response = drf_exception_handler(exc, context)
    if response is None and isinstance(exc, DataError):
        log.warning("Database rejected a value while handling %s: %s", context.get("request"), exc)
        return Response({"detail": "A value in the request cannot be stored."}, status=status.HTTP_400_BAD_REQUEST)
    if response is None and isinstance(exc, DatabaseError):
        log.exception("Database error while handling %s", context.get("request"))
        return Response({"detail": "The database is unavailable, try again."}, status=503, headers={"Retry-After": "5"})
    return response


def not_found(request, exception=None):
    """`handler404`: an unknown URL (e.g. a malformed course key in the path) answers JSON like the API does."""
    return JsonResponse({"detail": "Not found."}, status=404)


def bad_request(request, exception=None):
    """`handler400`: refusals Django makes before our views (oversized or malformed bodies) answer JSON too;
    under /xqueue/ in the XQueue envelope its clients parse."""
    detail = _bad_request_detail(exception)
    if request.path.startswith("/xqueue/"):
        return JsonResponse({"return_code": 1, "content": detail}, status=400)
    return JsonResponse({"detail": detail}, status=400)


def _bad_request_detail(exception) -> str:
    if isinstance(exception, RequestDataTooBig):
        return "The request body is too large."
    if isinstance(exception, TooManyFieldsSent | TooManyFilesSent):
        return "The request has too many fields."
    return "The request is malformed."
