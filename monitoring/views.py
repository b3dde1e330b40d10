"""REST helpers for the sockets (session lookup, tickets, replay) and the proctor dashboard page."""

from django.conf import settings
from django.middleware.csrf import get_token
from django.shortcuts import render
from drf_spectacular.utils import extend_schema
from rest_framework.exceptions import APIException, NotFound, PermissionDenied, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from exams.api import ExamsAPIView, JwtAuthentication, is_course_staff
from exams_service.pages import error_page
from exams_service.security.inputs import InputError
from exams_service.security.params import IntParam, UuidParam
from monitoring import board, commands, selectors, services, tickets
from monitoring.models import ProctoringSession
from monitoring.serializers import (
    EventPageSerializer,
    SessionRequestSerializer,
    SessionSerializer,
    SnapshotSerializer,
    TicketSerializer,
)

AFTER = IntParam("after", description="Events with a greater seq")
LIMIT = IntParam("limit", description="At most this many events (clamped to 1..MONITORING_REPLAY_LIMIT)")
SESSION_ID = UuidParam("session_id", description="Only this session's events")


def _int_param(request, param: IntParam, default: int) -> int:
    raw = request.query_params.get(param.name, "")
    if raw == "":
        return default
    try:
        return param.read(raw)
    except InputError as error:
        raise ValidationError({"detail": f"{param.name} must be a non-negative integer."}) from error


def _require_exam_staff(user, exam_id: int) -> None:
    course_id = selectors.exam_course_id(exam_id)
    if course_id is None:
        raise NotFound({"detail": f"Exam with exam_id={exam_id} does not exist."})
    if not is_course_staff(user, course_id):
        raise PermissionDenied({"detail": "Only course staff may monitor this exam."})


class LearnerSessionView(ExamsAPIView):
    """POST {"attempt_id"} → the learner's session for their in-progress attempt: `{"session_id", "ws_path"}`."""

    @extend_schema(request=SessionRequestSerializer, responses=SessionSerializer)
    def post(self, request):
        attempt_id = request.data.get("attempt_id") if isinstance(request.data, dict) else None
        if isinstance(attempt_id, bool) or not isinstance(attempt_id, int):
            raise ValidationError({"detail": "attempt_id must be an integer."})
        session = services.session_for_learner(user=request.user, attempt_id=attempt_id)
        return Response({"session_id": str(session.pk), "ws_path": f"/ws/v1/proctoring/sessions/{session.pk}/"})


class SessionTicketView(ExamsAPIView):
    """POST → a single-use ticket for the owner's session socket (60 s by default)."""

    @extend_schema(request=None, responses=TicketSerializer)
    def post(self, request, session_id):
        state = selectors.session_state(session_id)
        if state is None or state["user_id"] != request.user.pk:
            raise NotFound({"detail": "No such session."})
        if not state["running"]:
            return Response({"detail": "The attempt is not in progress."}, status=409)
        ticket, ttl = tickets.issue(user_id=request.user.pk, kind=tickets.SESSION, target=str(session_id))
        return Response({"ticket": ticket, "expires_in": ttl, "ws_path": f"/ws/v1/proctoring/sessions/{session_id}/"})


class DashboardTicketView(ExamsAPIView):
    """POST → a single-use ticket for one exam's dashboard socket (course staff)."""

    @extend_schema(request=None, responses=TicketSerializer)
    def post(self, request, exam_id):
        _require_exam_staff(request.user, exam_id)
        ticket, ttl = tickets.issue(user_id=request.user.pk, kind=tickets.EXAM, target=str(exam_id))
        path = f"/ws/v1/proctoring/monitor/exams/{exam_id}/"
        return Response({"ticket": ticket, "expires_in": ttl, "ws_path": path})


class ExamEventsView(ExamsAPIView):
    """GET ?after=<seq>&limit=&session_id= → `{"events": [...], "last_seq", "has_more"}` (replay for dashboards)."""

    @extend_schema(
        parameters=[AFTER.openapi(), LIMIT.openapi(), SESSION_ID.openapi()],
        responses=EventPageSerializer,
    )
    def get(self, request, exam_id):
        _require_exam_staff(request.user, exam_id)
        after = _int_param(request, AFTER, 0)
        limit = min(max(_int_param(request, LIMIT, 100), 1), settings.MONITORING_REPLAY_LIMIT)
        try:
            session = SESSION_ID.read(request.query_params.get("session_id"))
        except InputError as error:
            raise ValidationError({"detail": "session_id must be a UUID."}) from error
        session_id = str(session) if session else None
        if session_id is not None and not ProctoringSession.objects.filter(pk=session, exam_id=exam_id):
            raise NotFound({"detail": "No such session in this exam."})
        events = selectors.events_after(exam_id, after, limit + 1, session_id=session_id)
        return Response(
            {"events": events[:limit], "last_seq": selectors.last_seq(exam_id), "has_more": len(events) > limit}
        )


class ExamSessionsView(ExamsAPIView):
    """GET → the dashboard snapshot over REST."""

    @extend_schema(responses=SnapshotSerializer)
    def get(self, request, exam_id):
        _require_exam_staff(request.user, exam_id)
        return Response(selectors.snapshot(exam_id))


def _page_error(request, status: int, title: str, message: str):
    """HTML error of the dashboard page with the next step (the local sign-in where development tools are on)."""
    steps = []
    if getattr(settings, "DEV_TOOLS_ENABLED", False):
        steps.append((f"/dev/login/course_staff?next={request.path}", "Sign in locally as course_staff (demo data)"))
    if settings.LMS_ROOT_URL:
        steps.append((f"{settings.LMS_ROOT_URL.rstrip('/')}/login", "Sign in to the LMS"))
    return error_page(request, status=status, title=title, message=message, next_steps=[*steps, ("/", "Start page")])


def dashboard_page(request, exam_id: int):
    """Staff-only HTML page; authenticated by the LMS JWT cookie (or header), like the REST API."""
    try:
        user_auth = JwtAuthentication().authenticate(Request(request))
    except APIException:
        user_auth = None
    user = user_auth[0] if user_auth else None
    if user is None:
        return _page_error(request, 401, "Sign in first", "Sign in to the LMS first (JWT cookie missing or expired).")
    course_id = selectors.exam_course_id(exam_id)
    if course_id is None:
        return _page_error(request, 404, "No such exam", f"There is no exam with id {exam_id}.")
    if not is_course_staff(user, course_id):
        return _page_error(request, 403, "Course staff only", f"{user.username} is not course staff of {course_id}.")
    config = {
        "examId": exam_id,
        "csrfToken": get_token(request),
        "reasonMax": commands.TERMINATE_REASON_MAX,
        "pageSize": settings.MONITORING_REPLAY_LIMIT,
    }
    context = {
        "exam_id": exam_id,
        "course_id": course_id,
        "username": user.username,
        "counts": board.COUNT_LABELS,
        "reason_max": commands.TERMINATE_REASON_MAX,
        "config": config,
    }
    return render(request, "monitoring/dashboard.html", context)
