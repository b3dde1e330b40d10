"""Thin LTI views: parse, authorize, call a service, shape the response (errors are JSON `{"detail"}`)."""

import time
from urllib.parse import parse_qs

from django.conf import settings
from django.contrib.auth import SESSION_KEY, login
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csrf import csrf_exempt
from lti_consumer.models import LtiConfiguration
from rest_framework.authentication import SessionAuthentication
from rest_framework.response import Response
from rest_framework.views import APIView

from exams.api import LMS_SESSION_BACKEND, JwtAuthentication, attempt_has_ended
from exams_service.security.cross_site import navigation_only
from lti.errors import LtiError
from lti.services import gate, keys, launches, start_assessment, token_endpoint

LAUNCH_ATTEMPT_KEY = "lti_launch_attempt_id"


class LmsSessionAuthentication(SessionAuthentication):
    """The session of an LTI launch: an LMS identity only, and only until the assessment it opened ends."""

    def authenticate(self, request):
        user_auth = super().authenticate(request)
        if user_auth is None or not getattr(user_auth[0], "is_lms_identity", False):
            return None
        attempt_id = request.session.get(LAUNCH_ATTEMPT_KEY)
        if attempt_id is not None and attempt_has_ended(attempt_id):
            request.session.flush()  # the assessment is over: so is its session
            return None
        return user_auth


def _error(exc: LtiError) -> JsonResponse:
    return JsonResponse({"detail": exc.detail}, status=exc.status_code)


class _LearnerRedirectView(APIView):
    """JWT (header or cookie) or session; the JWT user is logged into a Django session for the LTI callbacks."""

    authentication_classes = [JwtAuthentication, LmsSessionAuthentication]

    def redirect_to(self, request, service, **kwargs):
        try:
            url = service(user=request.user, **kwargs)
        except LtiError as exc:
            return Response({"detail": exc.detail}, status=exc.status_code)
        if request.session.get(SESSION_KEY) != str(request.user.pk):
            login(request._request, request.user, backend=LMS_SESSION_BACKEND)
        _bound_session(request)
        if service is launches.start_proctoring:
            request.session[LAUNCH_ATTEMPT_KEY] = kwargs["attempt_id"]
        return HttpResponseRedirect(url)


def _bound_session(request) -> None:
    """The launch session ends with the JWT that opened it, and at the latest after the launch window."""
    limit = settings.LTI_LAUNCH_SESSION_MAX_SECONDS
    claims = request.auth if isinstance(request.auth, dict) else {}
    if isinstance(claims.get("exp"), int | float):
        limit = min(limit, int(claims["exp"] - time.time()))
    current = request.session.get_expiry_age()
    request.session.set_expiry(max(1, min(limit, current)))


class StartProctoringView(_LearnerRedirectView):
    @navigation_only
    def get(self, request, attempt_id: int):
        return self.redirect_to(request, launches.start_proctoring, attempt_id=attempt_id)


class EndAssessmentView(_LearnerRedirectView):
    @navigation_only
    def get(self, request, attempt_id: int):
        return self.redirect_to(request, launches.end_assessment, attempt_id=attempt_id)


class InstructorToolView(_LearnerRedirectView):
    def get(self, request, exam_id: int):
        return self.redirect_to(request, launches.instructor_tool, exam_id=exam_id)


class RosterView(APIView):
    authentication_classes = [JwtAuthentication, LmsSessionAuthentication]

    def get(self, request, exam_id: int):
        try:
            return Response(launches.roster(exam_id=exam_id, user=request.user))
        except LtiError as exc:
            return Response({"detail": exc.detail}, status=exc.status_code)


@method_decorator([csrf_exempt, xframe_options_exempt], name="dispatch")
class LaunchGateView(View):
    """OIDC authentication request from the tool (GET or form POST) → auto-posting id_token form."""

    def get(self, request, suffix=None):
        return self._handle(request, request.GET)

    def post(self, request, suffix=None):
        return self._handle(request, request.POST)

    def _handle(self, request, params):
        try:
            redirect_uri, launch_request = gate.authentication_response(params=params.dict(), user=request.user)
        except LtiError as exc:
            return _error(exc)
        context = {"launch_url": redirect_uri, "launch_request": launch_request}
        return render(request, "html/lti_1p3_launch.html", context)


@method_decorator([csrf_exempt, xframe_options_exempt], name="dispatch")
class StartAssessmentView(View):
    """LtiStartAssessment: cross-site form POST of `JWT` from the tool, with the platform session cookie."""

    def post(self, request):
        try:
            return_url = start_assessment.start_assessment(token=request.POST.get("JWT", ""), user=request.user)
        except LtiError as exc:
            return _error(exc)
        return render(request, "lti/return_to_exam.html", {"return_url": return_url})


class PlatformJwksView(View):
    """The platform's public keys (current and previous), with `alg` and `use`."""

    def get(self, request, lti_config_id):
        if not LtiConfiguration.objects.filter(config_id=lti_config_id).exists():
            return JsonResponse({"detail": "Unknown LTI configuration."}, status=404)
        return JsonResponse(keys.platform_jwks())


@method_decorator(csrf_exempt, name="dispatch")
class AccessTokenView(View):
    """OAuth 2.0 client_credentials with a JWT client assertion (lti/services/token_endpoint.py)."""

    http_method_names = ["post"]

    def post(self, request, lti_config_id):
        try:
            answer, status = token_endpoint.issue_access_token(config_id=lti_config_id, params=_form(request)), 200
        except token_endpoint.TokenError as exc:
            answer, status = {"error": exc.error, "error_description": exc.description}, exc.status_code
        response = JsonResponse(answer, status=status)
        response["Cache-Control"], response["Pragma"] = "no-store", "no-cache"
        return response


def _form(request) -> dict[str, list[str]]:
    """The urlencoded body as name → values (repeats kept so the service can refuse them)."""
    if (request.content_type or "").lower() != "application/x-www-form-urlencoded":
        raise token_endpoint.TokenError("invalid_request", "Send the parameters as application/x-www-form-urlencoded.")
    try:
        return parse_qs(request.body.decode("utf-8"), keep_blank_values=True, strict_parsing=False)
    except (UnicodeDecodeError, ValueError) as exc:
        raise token_endpoint.TokenError("invalid_request", "The request body is not valid form data.") from exc
