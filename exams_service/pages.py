"""Browser pages of the service itself: the `/` index, the local-only sign-in, and the HTML error page."""

from django.apps import apps
from django.conf import settings
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme

from exams.api import User
from exams.services.demo_data import DEMO_PROCTORED_CONTENT_ID
from exams.services.dev_tokens import dev_jwt_for


def error_page(request, *, status, title, message, next_steps: list[tuple[str, str]], reset_action: str = ""):
    """An HTML page for a person in a browser: what went wrong, links to what to do next (and a reset button)."""
    context = {"title": title, "message": message, "next_steps": next_steps, "reset_action": reset_action}
    return render(request, "pages/error.html", context, status=status)


def dev_tools_enabled() -> bool:
    return bool(getattr(settings, "DEV_TOOLS_ENABLED", False))


def demo_dashboard_path() -> str | None:
    """The proctor dashboard of the demo proctored exam, when the demo data is loaded."""
    from exams.api import Exam

    exam_id = Exam.objects.filter(content_id=DEMO_PROCTORED_CONTENT_ID, is_active=True).values_list("pk", flat=True)
    exam_id = exam_id.first()
    return f"/monitoring/exams/{exam_id}/" if exam_id else None


def home(request):
    """`/`: where to go from here (no list of URL patterns)."""
    dashboard = demo_dashboard_path()
    context = {
        "demo_tool": apps.is_installed("lti.demo_tool"),
        "dev_tools": dev_tools_enabled(),
        "dashboard": dashboard,
    }
    return render(request, "pages/home.html", context)


def dev_login(request, username: str):
    """Local-only sign-in: set the LMS's split JWT cookie pair for a user, then go to `?next=` (a local path).

    Exists only where DEV_TOOLS_ENABLED (404 elsewhere): it mints tokens for anyone without a password."""
    if not dev_tools_enabled():
        raise Http404
    user = User.objects.filter(username=username).first()
    if user is None:
        return error_page(
            request,
            status=404,
            title="No such user",
            message=f"There is no user named “{username}”. The demo users are learner, course_staff and admin.",
            next_steps=[("/dev/login/course_staff", "Sign in as course_staff"), ("/", "Back to the start page")],
        )
    target = request.GET.get("next", "/")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts=None) or not target.startswith("/"):
        target = "/"
    header, payload, signature = dev_jwt_for(user).split(".")
    response = HttpResponseRedirect(target)
    jwt_auth = settings.JWT_AUTH
    cookie = {"path": "/", "samesite": "Lax", "secure": request.is_secure()}
    response.set_cookie(jwt_auth["JWT_AUTH_COOKIE_HEADER_PAYLOAD"], f"{header}.{payload}", **cookie)
    response.set_cookie(jwt_auth["JWT_AUTH_COOKIE_SIGNATURE"], signature, httponly=True, **cookie)
    return response
