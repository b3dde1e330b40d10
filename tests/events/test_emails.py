"""Proctoring status emails: proctored exams only, after commit, from templates, retried, never blocking."""

import pytest
from django.core import mail
from django.db import transaction

from events import emails
from events.models import OutboxEvent
from exams.models import CourseExamConfiguration
from exams.services.attempts import create_attempt
from exams.state_machine import Action
from tests.conftest import COURSE_ID
from tests.events import failing_email_backend
from tests.events.conftest import proctored_attempt_started, staff, submit

pytestmark = pytest.mark.django_db(transaction=True)


def html_of(message) -> str:
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    return html


def test_submitted_verified_rejected_send_one_email_each(learner, course_staff, proctored_exam):
    attempt = submit(proctored_attempt_started(learner, proctored_exam), learner)
    staff(attempt, Action.VERIFY, course_staff)
    staff(attempt, Action.REJECT, course_staff)

    assert [m.subject for m in mail.outbox] == [
        "Proctoring attempt submitted",
        "Proctoring attempt verified",
        "Proctoring attempt rejected",
    ]
    assert all(m.to == ["learner@example.com"] for m in mail.outbox)
    assert all(m.from_email == "no-reply@exams.localhost" for m in mail.outbox)
    submitted, verified, rejected = mail.outbox
    assert "was submitted successfully" in submitted.body
    assert "was submitted successfully" in html_of(submitted)
    assert "mailto:" not in submitted.body and "contact_us" not in html_of(submitted)
    assert "was reviewed and you met all proctoring requirements" in verified.body
    assert "the course team has identified one or more violations" in rejected.body
    assert "the course team has identified one or more violations" in html_of(rejected)
    assert '<a href="mailto:escalation@example.com">escalation@example.com</a>' in html_of(rejected)
    assert "Proctored midterm" in rejected.body
    assert f"http://test.learning:2000/course/{COURSE_ID}" in html_of(verified)


def test_without_escalation_email_the_contact_is_the_lms_support_page(settings, learner, course_staff, proctored_exam):
    settings.LMS_ROOT_URL = "https://lms.example.com"
    CourseExamConfiguration.objects.filter(course_id=COURSE_ID).update(escalation_email=None)
    attempt = submit(proctored_attempt_started(learner, proctored_exam), learner)
    staff(attempt, Action.REJECT, course_staff)

    assert '<a href="https://lms.example.com/support/contact_us">' in html_of(mail.outbox[-1])
    assert "https://lms.example.com/support/contact_us" in mail.outbox[-1].body


def test_timed_exams_and_other_statuses_send_nothing(learner, course_staff, timed_exam, proctored_exam):
    attempt = create_attempt(user=learner, exam_id=timed_exam.pk, start_clock=True)
    submit(attempt, learner)
    staff(attempt, Action.VERIFY, course_staff)
    proctored_attempt_started(learner, proctored_exam)

    assert mail.outbox == []
    assert OutboxEvent.objects.count() == 2  # the events are still emitted


def test_no_email_when_the_transaction_rolls_back(learner, proctored_exam):
    attempt = proctored_attempt_started(learner, proctored_exam)
    with pytest.raises(RuntimeError), transaction.atomic():
        submit(attempt, learner)
        raise RuntimeError("rolled back")
    assert mail.outbox == []


def test_a_failing_send_is_logged_and_retried_without_failing_the_status_change(
    settings, caplog, learner, proctored_exam
):
    settings.EMAIL_BACKEND = "tests.events.failing_email_backend.FlakyEmailBackend"
    failing_email_backend.failures_left["count"] = 2

    attempt = submit(proctored_attempt_started(learner, proctored_exam), learner)

    assert attempt.status == "submitted"
    assert [m.subject for m in mail.outbox] == ["Proctoring attempt submitted"]  # third try delivered
    errors = [r.getMessage() for r in caplog.records if "Error while sending proctoring status email" in r.getMessage()]
    assert len(errors) == 2


def test_a_send_that_never_succeeds_does_not_fail_the_status_change(settings, learner, proctored_exam):
    settings.EMAIL_BACKEND = "tests.events.failing_email_backend.FlakyEmailBackend"
    failing_email_backend.failures_left["count"] = 100
    try:
        attempt = submit(proctored_attempt_started(learner, proctored_exam), learner)
    finally:
        failing_email_backend.failures_left["count"] = 0

    attempt.refresh_from_db()
    assert attempt.status == "submitted"
    assert mail.outbox == []
    assert OutboxEvent.objects.get().status == "sent"


def test_learner_without_email_gets_none(learner, proctored_exam):
    learner.email = ""
    learner.save()
    attempt = proctored_attempt_started(learner, proctored_exam)
    assert emails.send_status_email(attempt_id=attempt.pk, status="submitted") is False
