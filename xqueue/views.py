"""XQueue protocol endpoints: parse, authorize, call a service, answer in the XQueue envelope."""

import json
from functools import wraps

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, authenticate, login, logout
from django.contrib.auth.views import redirect_to_login
from django.http import FileResponse, Http404, HttpResponse
from django.middleware.csrf import get_token
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt

from exams_service.security import login_throttle
from exams_service.security.client_address import client_address
from exams_service.security.inputs import InputError, read_str
from xqueue import auth, selectors, services
from xqueue.constants import LOGIN_REQUIRED, SESSION_ROLES_KEY
from xqueue.exceptions import XQueueError
from xqueue.services.submissions import file_storage


def reply(return_code: int, content, status: int = 200) -> HttpResponse:
    """The XQueue envelope, always `{"return_code": ..., "content": ...}`."""
    body = json.dumps({"return_code": return_code, "content": content})
    return HttpResponse(body, status=status, content_type="application/json")


def _roles(request) -> list[str]:
    """Roles of an xqueue password login only: another session (admin, LTI launch) has none."""
    if request.session.get(BACKEND_SESSION_KEY) != auth.BACKEND:
        return []
    roles = request.session.get(SESSION_ROLES_KEY)
    if roles is None:
        roles = services.roles_of(user=request.user)
        request.session[SESSION_ROLES_KEY] = roles
    return roles


def xqueue_role_required(role: str):
    """Anonymous ⇒ 302 to the login URL (what both clients expect); authenticated without the role ⇒ 403."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path(), reverse("xqueue:login"))
            if role not in _roles(request):
                return reply(1, "permission_denied", status=403)
            try:
                return view(request, *args, **kwargs)
            except XQueueError as exc:
                return reply(1, exc.message)

        return wrapper

    return decorator


@csrf_exempt
def login_view(request):
    """GET: CSRF cookie + the `login_required` flag (C6, C7). POST: session login for grader/LMS accounts."""
    if request.method != "POST":
        response = reply(1, LOGIN_REQUIRED)
        if settings.XQUEUE_CSRF_COOKIE_NAME != settings.CSRF_COOKIE_NAME:
            response.set_cookie(settings.XQUEUE_CSRF_COOKIE_NAME, get_token(request), samesite="Lax")
        else:
            get_token(request)
        return response
    try:
        username = read_str(request.POST.get("username"), name="username", max_length=150)
        password = read_str(request.POST.get("password"), name="password", max_length=4096)
    except InputError:
        return reply(1, "Incorrect login credentials")
    if not username or not password:
        return reply(1, "Insufficient login info")
    refused = login_throttle.refusal(request, username)
    if refused:  # before authenticate(): no password hash is computed
        response = reply(1, refused.message, status=429)
        response["Retry-After"] = str(refused.retry_after)
        return response
    user = authenticate(request, username=username, password=password)
    roles = services.roles_of(user=user) if user is not None else []
    if not roles:
        return reply(1, "Incorrect login credentials")
    login(request, user, backend=auth.BACKEND)
    request.session[SESSION_ROLES_KEY] = roles
    response = reply(0, "Logged in")
    if settings.XQUEUE_CSRF_COOKIE_NAME != settings.CSRF_COOKIE_NAME:
        response.set_cookie(settings.XQUEUE_CSRF_COOKIE_NAME, get_token(request), samesite="Lax")
    return response


@csrf_exempt
def logout_view(request):
    logout(request)
    return reply(0, "Goodbye")


def status_view(request):
    """Unauthenticated health check."""
    return reply(0, "OK")


@xqueue_role_required("grader")
def get_queuelen_view(request):
    queue_name = request.GET.get("queue_name")
    if not queue_name:
        return reply(1, "'get_queuelen' must provide parameter 'queue_name'")
    queue = selectors.queue_by_name(queue_name)
    if queue is None:
        return reply(1, "Valid queue names are: " + ", ".join(selectors.queue_names()))
    return reply(0, selectors.queue_length(queue=queue))


@xqueue_role_required("grader")
def get_submission_view(request):
    queue_name = request.GET.get("queue_name")
    if not queue_name:
        return reply(1, "'get_submission' must provide parameter 'queue_name'")
    queue = selectors.queue_by_name(queue_name)
    if queue is None:
        return reply(1, f"Queue '{queue_name}' not found")
    handout = services.claim_next(queue=queue, grader=request.user.get_username())
    if handout is None:
        return reply(1, f"Queue '{queue_name}' is empty")
    files = {}
    if handout.has_files:
        base_url = settings.XQUEUE_PUBLIC_URL.rstrip("/") or request.build_absolute_uri("/").rstrip("/")
        files = selectors.file_urls(submission_id=handout.submission_id, base_url=base_url)
    payload = {
        "xqueue_header": json.dumps({"submission_id": handout.submission_id, "submission_key": handout.key}),
        "xqueue_body": handout.lms_body,
        "xqueue_files": json.dumps(files),
    }
    return reply(0, json.dumps(payload))


@csrf_exempt
@xqueue_role_required("grader")
def put_result_view(request):
    if request.method != "POST":
        return reply(1, "'put_result' must use HTTP POST")
    services.record_result(header=request.POST.get("xqueue_header"), body=request.POST.get("xqueue_body"))
    return reply(0, "")


@csrf_exempt
@xqueue_role_required("lms")
def submit_view(request):
    if request.method != "POST":
        return reply(1, "Queue requests should use HTTP POST")
    files = [(name, request.FILES[name]) for name in request.FILES]  # the LMS keys each part by file name
    length = services.submit(
        header=request.POST.get("xqueue_header"),
        body=request.POST.get("xqueue_body"),
        files=files,
        requester=client_address(request),
    )
    return reply(0, str(length))


def file_view(request, token: str):
    """A submission file behind a signed, expiring URL (graders fetch it without a session)."""
    file = selectors.file_for_token(token)
    if file is None:
        raise Http404("No such file")
    try:
        handle = file_storage().open(file.path, "rb")
    except (FileNotFoundError, OSError) as exc:
        raise Http404("No such file") from exc
    return FileResponse(handle, as_attachment=True, filename=file.name, content_type="application/octet-stream")
