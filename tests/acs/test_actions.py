"""Every ACS action's effect on the attempt, its clock and its review history (spec §2.4, contract §2.3/§4.4)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from events.models import OutboxEvent
from exams import timers
from exams.models import AttemptReview, ExamAttempt
from exams.signals import attempt_clock_changed, attempt_status_changed
from tests.acs.client import control_body
from tests.acs.conftest import move_to
from tests.conftest import COURSE_ID, auth_header

pytestmark = pytest.mark.django_db


def reload(attempt):
    return ExamAttempt.objects.get(pk=attempt.pk)


@pytest.fixture
def received():
    """Signals the attempt seam sent during the test."""
    events = []

    def status(sender, **kwargs):
        events.append(("status", kwargs["from_status"], kwargs["to_status"], kwargs["actor"], kwargs["action"]))

    def clock(sender, **kwargs):
        events.append(("clock", kwargs["paused"]))

    attempt_status_changed.connect(status, weak=False)
    attempt_clock_changed.connect(clock, weak=False)
    yield events
    attempt_status_changed.disconnect(status)
    attempt_clock_changed.disconnect(clock)


# --- terminate: the outcome matrix ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    "reason_code, severity, expected",
    [
        ("1", 0.0, "verified"),
        ("1", 0.1, "verified"),
        ("1", 0.25, "verified"),  # threshold inclusive
        ("1", 0.26, "second_review_required"),
        ("1", 0.3, "second_review_required"),
        ("1", 1.0, "second_review_required"),
        (1, 0.1, "verified"),  # a numeric reason code is its string
        (1.0, 0.9, "second_review_required"),
        ("0", 0.1, "error"),
        ("2", 0.0, "error"),
        ("25", 1.0, "error"),
        (7, 0.1, "error"),
    ],
)
def test_terminate_outcome_matrix(acs_tool, started_attempt, received, reason_code, severity, expected):
    body = control_body(started_attempt, "terminate", reason_code=reason_code, incident_severity=severity)
    response = acs_tool.post(body)
    assert response.status_code == 200, response.content
    assert response.json() == {"status": "terminated"}
    attempt = reload(started_attempt)
    assert attempt.status == expected
    assert attempt.end_time is not None
    assert ("status", "started", expected, "tool", received[-1][4]) == received[-1]
    review = AttemptReview.objects.get(attempt=attempt)
    code = str(int(float(reason_code)))
    assert (review.action_type, review.reason_code, review.resulting_status) == ("terminate", code, expected)
    assert review.severity == Decimal(str(severity)).quantize(Decimal("0.01"))


@pytest.mark.parametrize(
    "threshold, severity, expected",
    [("0.50", 0.5, "verified"), ("0.50", 0.51, "second_review_required"), ("0.00", 0.01, "second_review_required")],
)
def test_terminate_threshold_is_per_provider(acs_tool, started_attempt, threshold, severity, expected):
    provider = started_attempt.exam.provider
    provider.review_severity_threshold = Decimal(threshold)
    provider.save()
    response = acs_tool.post(control_body(started_attempt, "terminate", incident_severity=severity))
    assert response.status_code == 200
    assert reload(started_attempt).status == expected


@pytest.mark.parametrize("status", ["ready_to_start", "started", "ready_to_submit", "timed_out", "submitted"])
def test_terminate_accepted_in_every_reviewable_status(acs_tool, attempt, status):
    attempt = move_to(attempt, status)
    response = acs_tool.post(control_body(attempt, "terminate", reason_code="1", incident_severity=0.1))
    assert response.status_code == 200, response.content
    assert reload(attempt).status == "verified"


def test_terminate_sends_the_usual_emails_and_events(
    acs_tool, started_attempt, received, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = acs_tool.post(control_body(started_attempt, "terminate", reason_code="1", incident_severity=0.1))
    assert response.status_code == 200
    assert received == [("status", "started", "verified", "tool", "review_passed")]
    # the state machine's own side effects follow without ACS code: event outbox and the learner's email
    verified = OutboxEvent.objects.filter(attempt_id=started_attempt.pk, event_type__endswith="attempt.verified.v1")
    assert verified.count() == 1
    assert [(m.subject, m.to) for m in mail.outbox] == [("Proctoring attempt verified", [started_attempt.user.email])]


def test_terminate_of_a_paused_attempt_ends_the_pause(acs_tool, started_attempt):
    assert acs_tool.post(control_body(started_attempt, "pause")).status_code == 200
    response = acs_tool.post(control_body(started_attempt, "terminate", incident_time="2026-05-01T10:05:00Z"))
    assert response.json() == {"status": "terminated"}
    attempt = reload(started_attempt)
    assert attempt.status == "verified" and not attempt.is_paused


# --- flag ---------------------------------------------------------------------------------------------------
def test_flag_records_the_incident_and_changes_nothing(acs_tool, started_attempt, received):
    body = control_body(
        started_attempt, "flag", incident_severity=0.7, reason_code=12, reason_msg="Attempted to modify the page"
    )
    response = acs_tool.post(body)
    assert response.status_code == 200
    assert response.json() == {"status": "running"}
    attempt = reload(started_attempt)
    assert attempt.status == "started" and not attempt.is_paused
    assert received == []
    review = AttemptReview.objects.get(attempt=attempt)
    assert review.action_type == "flag"
    assert review.incident_time.isoformat() == "2026-05-01T10:00:00+00:00"
    assert review.severity == Decimal("0.70")
    assert review.reason_code == "12" and review.reason_message == "Attempted to modify the page"
    assert review.raw_body == body
    assert review.resulting_status == "started"


@pytest.mark.parametrize(
    "status, acs_status",
    [("ready_to_start", "none"), ("submitted", "complete"), ("verified", "complete"), ("error", "complete")],
)
def test_flag_outside_the_exam_reports_the_attempt_state(acs_tool, attempt, status, acs_status):
    attempt = move_to(attempt, status)
    response = acs_tool.post(control_body(attempt, "flag"))
    assert response.status_code == 200
    assert response.json() == {"status": acs_status}
    assert reload(attempt).status == status


def test_flag_after_terminate_reports_terminated(acs_tool, started_attempt):
    acs_tool.post(control_body(started_attempt, "terminate"))
    response = acs_tool.post(control_body(started_attempt, "flag", incident_time="2026-05-01T11:00:00Z"))
    assert response.json() == {"status": "terminated"}
    assert AttemptReview.objects.filter(attempt=started_attempt).count() == 2


def test_reason_message_is_accepted_under_either_name(acs_tool, started_attempt):
    acs_tool.post(control_body(started_attempt, "flag", reason_message="Second monitor"))
    assert AttemptReview.objects.get().reason_message == "Second monitor"


# --- pause / resume -------------------------------------------------------------------------------------------
def test_pause_stops_and_resume_restarts_the_clock(acs_tool, started_attempt, received):
    learner_api = Client()
    header = {"HTTP_AUTHORIZATION": auth_header(started_attempt.user)}

    response = acs_tool.post(control_body(started_attempt, "pause"))
    assert response.status_code == 200 and response.json() == {"status": "paused"}
    attempt = reload(started_attempt)
    assert attempt.is_paused and attempt.status == "started"
    latest = learner_api.get("/api/v1/exams/attempt/latest", **header).json()
    assert latest["is_paused"] is True
    # the clock does not run while paused
    later = timezone.now() + timedelta(minutes=10)
    assert timers.time_remaining_seconds(attempt, later) == pytest.approx(
        timers.time_remaining_seconds(attempt, timezone.now()), abs=2
    )

    ExamAttempt.objects.filter(pk=attempt.pk).update(paused_at=timezone.now() - timedelta(minutes=5))
    response = acs_tool.post(control_body(started_attempt, "resume", incident_time="2026-05-01T10:05:00Z"))
    assert response.status_code == 200 and response.json() == {"status": "running"}
    attempt = reload(started_attempt)
    assert not attempt.is_paused and attempt.paused_seconds >= 300
    assert learner_api.get("/api/v1/exams/attempt/latest", **header).json()["is_paused"] is False
    assert received == [("clock", True), ("clock", False)]
    assert [r.action_type for r in AttemptReview.objects.filter(attempt=attempt)] == ["pause", "resume"]


def test_resume_with_extra_time_extends_the_attempt(acs_tool, started_attempt):
    acs_tool.post(control_body(started_attempt, "pause"))
    body = control_body(started_attempt, "resume", incident_time="2026-05-01T10:01:00Z", extra_time=300)
    response = acs_tool.post(body)
    assert response.json() == {"status": "running", "extra_time": 300}
    attempt = reload(started_attempt)
    assert attempt.allowed_time_limit_mins == 65 and not attempt.is_paused


def test_pause_while_paused_is_a_no_op_that_is_still_recorded(acs_tool, started_attempt, received):
    acs_tool.post(control_body(started_attempt, "pause"))
    response = acs_tool.post(control_body(started_attempt, "pause", incident_time="2026-05-01T10:02:00Z"))
    assert response.json() == {"status": "paused"}
    assert received == [("clock", True)]
    assert AttemptReview.objects.filter(attempt=started_attempt, action_type="pause").count() == 2


# --- update -----------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["extra_time", "extended_time"])
def test_update_adds_extra_seconds_to_the_allowed_time(acs_tool, started_attempt, received, name):
    before = timers.time_remaining_seconds(reload(started_attempt), timezone.now())
    response = acs_tool.post(control_body(started_attempt, "update", **{name: 600}))
    assert response.status_code == 200, response.content
    assert response.json() == {"status": "running", "extra_time": 600}
    attempt = reload(started_attempt)
    assert attempt.allowed_time_limit_mins == 70
    assert timers.time_remaining_seconds(attempt, timezone.now()) == pytest.approx(before + 600, abs=5)
    assert received == [("clock", False)]
    review = AttemptReview.objects.get(attempt=attempt)
    assert review.action_type == "update" and review.extra_time_seconds == 600


def test_update_while_paused_answers_paused(acs_tool, started_attempt):
    acs_tool.post(control_body(started_attempt, "pause"))
    response = acs_tool.post(control_body(started_attempt, "update", extra_time="120"))
    assert response.json() == {"status": "paused", "extra_time": 120}
    assert reload(started_attempt).allowed_time_limit_mins == 62


# --- the instructor list and the admin show the history ----------------------------------------------------------
def test_instructor_list_shows_the_terminate_review(acs_tool, started_attempt, course_staff, clients):
    acs_tool.post(control_body(started_attempt, "flag", incident_severity=0.9, reason_code="13"))
    acs_tool.post(
        control_body(
            started_attempt, "terminate", reason_code="1", incident_severity=0.1, incident_time="2026-05-01T10:30:00Z"
        )
    )
    url = f"/api/v1/instructor_view/course_id/{COURSE_ID}/attempts?exam_id={started_attempt.exam_id}"
    response = clients.of(course_staff).get(url)
    assert response.status_code == 200, response.content
    row = response.json()["results"][0]
    assert row["attempt_status"] == "verified"
    assert row["proctored_review"] == {
        "submission_time": "2026-05-01T10:30:00.000000Z",
        "severity": "0.10",
        "submission_reason": "Submitted by user",
    }


def test_admin_lists_the_review_history(acs_tool, started_attempt, site_admin):
    acs_tool.post(control_body(started_attempt, "flag", reason_code="13"))
    acs_tool.post(control_body(started_attempt, "terminate", incident_time="2026-05-01T10:30:00Z"))
    admin = Client()
    admin.force_login(site_admin)
    page = admin.get("/admin/exams/attemptreview/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "flag" in text and "terminate" in text and "verified" in text
    review = AttemptReview.objects.get(action_type="terminate")
    detail = admin.get(f"/admin/exams/attemptreview/{review.pk}/change/")
    assert detail.status_code == 200 and "2026" in detail.content.decode()
