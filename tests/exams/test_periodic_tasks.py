"""The embedded default runs the beat schedule in-process: abandoned attempts still expire."""

from io import StringIO

import pytest
from django.core.management import call_command

from exams import statuses as s
from tests.exams.factories import attempt_in_status


@pytest.mark.django_db
def test_run_periodic_tasks_once_expires_abandoned_attempts(learner, timed_exam):
    attempt = attempt_in_status(learner, timed_exam, s.STARTED, minutes_left=-1)
    out = StringIO()
    call_command("run_periodic_tasks", "--once", stdout=out)
    attempt.refresh_from_db()
    assert attempt.status == s.SUBMITTED
    assert "sweep-expired-attempts: 1" in out.getvalue()
