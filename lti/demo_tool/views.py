"""Demo tool pages. The tool keeps its OIDC state in the browser session under `demo_tool:*` keys."""

import secrets
from urllib.parse import urlencode

import jwt
import requests
from django.contrib.auth import login
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST
from lti_consumer.models import LtiConfiguration

from exams.api import LMS_SESSION_BACKEND, Action, Actor, Exam, ExamAttempt, ExamsError, User, apply_action
from exams.services.attempts import create_attempt
from exams.services.demo_data import DEMO_PROCTORED_CONTENT_ID
from exams_service.pages import error_page
from lti.demo_tool import setup
from lti.demo_tool.reset import reset_demo
from lti.services.registration import vendor_values

LTI = "https://purl.imsglobal.org/spec/lti/claim/"
LTI_AP = "https://purl.imsglobal.org/spec/lti-ap/claim/"


def _platform():
    provider_config = LtiConfiguration.objects.filter(lti_1p3_oidc_url=setup.tool_url("login")).first()
    return vendor_values(provider_config) if provider_config else None


def _attempt(user):
    exam = Exam.objects.filter(content_id=DEMO_PROCTORED_CONTENT_ID, is_active=True).first()
    if exam is None or user is None:
        return exam, None
    attempt = ExamAttempt.objects.filter(user=user, exam=exam, reset_at__isnull=True).order_by("-pk").first()
    return exam, attempt


HOME = "/lti/demo_tool/"


def _demo_error(request, message: str, *, status: int = 400):
    """The demo's HTML error page: what went wrong, a reset button and the way back."""
    return error_page(
        request,
        status=status,
        title="The demo cannot go on from here",
        message=message,
        next_steps=[(HOME, "Back to the demo tool"), ("/", "The start page")],
        reset_action=HOME + "reset",
    )


def home(request):
    learner = User.objects.filter(username="learner").first()
    exam, attempt = _attempt(learner)
    context = {"exam": exam, "attempt": attempt, "platform": _platform(), "reset": request.GET.get("reset")}
    return render(request, "demo_tool/home.html", context)


@require_POST
def begin(request):
    """Dev shortcut: log in as the demo learner, create the attempt, then the real flow starts."""
    learner = User.objects.filter(username="learner").first()
    exam, attempt = _attempt(learner)
    if exam is None:
        return _demo_error(request, "The demo exam is missing: run `manage.py load_demo_data` (make run does).")
    request.session.flush()  # a new launch, as from the LMS: not the session of an assessment that has ended
    login(request, learner, backend=LMS_SESSION_BACKEND)
    if attempt is None:
        try:
            attempt = create_attempt(user=learner, exam_id=exam.pk, start_clock=False)
        except ExamsError as exc:
            return _demo_error(request, f"{exc.detail} Reset the demo to end the demo learner's attempts.")
    return HttpResponseRedirect(f"/lti/start_proctoring/{attempt.pk}")


@require_POST
def start_exam(request):
    exam, attempt = _attempt(request.user if request.user.is_authenticated else None)
    if attempt is not None:
        try:
            apply_action(attempt_id=attempt.pk, action=Action.START, actor=Actor.LEARNER, requesting_user=request.user)
        except ExamsError as exc:
            return _demo_error(request, f"The exam cannot start: {exc.detail}")
    return HttpResponseRedirect(HOME)


@require_POST
def reset(request):
    """Dev shortcut: reset the demo learners' attempts (kept as history) so the walkthrough starts over."""
    count = reset_demo()
    return HttpResponseRedirect(f"{HOME}?reset={count}")


def jwks(request):
    return JsonResponse(setup.jwks())


@csrf_exempt
@require_http_methods(["GET", "POST"])
def oidc_login(request):
    params = request.GET if request.method == "GET" else request.POST
    platform = _platform()
    if platform is None or params.get("iss") != platform["issuer"] or params.get("client_id") != platform["client_id"]:
        return _demo_error(request, "Unknown platform or client_id: run `manage.py load_demo_data` (make run does).")
    state, nonce = secrets.token_urlsafe(16), secrets.token_urlsafe(16)
    request.session["demo_tool:state"], request.session["demo_tool:nonce"] = state, nonce
    query = {
        "scope": "openid",
        "response_type": "id_token",
        "response_mode": "form_post",
        "prompt": "none",
        "client_id": platform["client_id"],
        "redirect_uri": setup.tool_url("launch"),
        "state": state,
        "nonce": nonce,
        "login_hint": params.get("login_hint", ""),
        "lti_message_hint": params.get("lti_message_hint", ""),
    }
    return HttpResponseRedirect(f"{platform['auth_login_url']}?{urlencode(query)}")


def _validate(id_token: str, platform: dict) -> dict:
    kid = jwt.get_unverified_header(id_token).get("kid")
    keys = requests.get(platform["jwks_url"], timeout=5).json()["keys"]
    jwk = next((k for k in keys if k.get("kid") == kid), None)
    if jwk is None:
        raise jwt.InvalidTokenError("no platform key with this kid")
    key = jwt.algorithms.RSAAlgorithm.from_jwk(jwk)
    return jwt.decode(id_token, key, algorithms=["RS256"], audience=platform["client_id"], issuer=platform["issuer"])


@csrf_exempt
@require_POST
def launch(request):
    platform = _platform()
    state = request.session.pop("demo_tool:state", None)
    nonce = request.session.pop("demo_tool:nonce", None)
    if platform is None or not state or request.POST.get("state") != state:
        return _demo_error(request, "State mismatch: this launch was already used. Start again from the demo tool.")
    try:
        body = _validate(request.POST.get("id_token", ""), platform)
    except (jwt.PyJWTError, requests.RequestException, ValueError) as exc:
        return _demo_error(request, f"Invalid id_token: {exc}")
    if body.get("nonce") != nonce or body.get(LTI + "deployment_id") != platform["deployment_id"]:
        return _demo_error(request, "Nonce or deployment mismatch: start again from the demo tool.")
    message_type = body.get(LTI + "message_type")
    context = {"body": body, "message_type": message_type}
    if message_type == "LtiStartProctoring":
        context["start_assessment_url"] = body[LTI_AP + "start_assessment_url"]
        context["jwt"] = setup.sign(
            {
                "iss": platform["client_id"],
                "aud": platform["issuer"],
                LTI + "message_type": "LtiStartAssessment",
                LTI + "version": "1.3.0",
                LTI + "deployment_id": body[LTI + "deployment_id"],
                LTI + "resource_link": body[LTI + "resource_link"],
                LTI_AP + "session_data": body[LTI_AP + "session_data"],
                LTI_AP + "attempt_number": body[LTI_AP + "attempt_number"],
                LTI_AP + "end_assessment_return": True,
            }
        )
    return render(request, "demo_tool/launch.html", context)
