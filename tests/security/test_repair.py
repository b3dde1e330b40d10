"""A surrogate anomaly stored before the input readers existed breaks the exam's snapshot, event replay and admin
page; `repair_unreadable_text` makes them readable again."""

import pytest
from django.core.management import call_command
from django.db import connection

from exams.services.attempts import create_attempt
from monitoring.models import SessionEvent
from monitoring.services import ensure_session, record_anomaly

pytestmark = pytest.mark.django_db


def test_stored_surrogate_anomaly_is_repaired_and_the_proctor_views_answer_again(
    clients, learner, course_staff, timed_exam, capsys
):
    if connection.vendor != "sqlite":
        pytest.skip("only SQLite stores such a value (PostgreSQL/MariaDB refuse it at insert)")
    session = ensure_session(attempt=create_attempt(user=learner, exam_id=timed_exam.pk, start_clock=True))
    anomaly = {"kind": "gaze", "severity": 0.5, "client_seq": 1, "evidence": "bad \ud800 and \x00 nul"}
    record_anomaly(session_id=session.pk, exam_id=timed_exam.pk, anomaly=anomaly)  # as the old consumer did
    staff = clients.of(course_staff)
    base = f"/api/v1/proctoring/monitor/exams/{timed_exam.pk}"
    with pytest.raises(UnicodeEncodeError):  # the broken state the repair exists for
        staff.get(f"{base}/events")

    call_command("repair_unreadable_text")

    assert "repaired 1 row(s) in total" in capsys.readouterr().out
    assert SessionEvent.objects.get(type="anomaly").data == {"evidence": "bad \ufffd and  nul"}
    assert staff.get(f"{base}/events").status_code == 200
    assert staff.get(f"{base}/sessions").status_code == 200
