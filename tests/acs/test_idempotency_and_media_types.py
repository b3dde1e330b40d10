"""Repeating a request changes nothing more (one record, same answer); both media types in and out."""

import threading

import pytest
from django.db import connection

from exams.models import AttemptReview, ExamAttempt
from exams.signals import attempt_status_changed
from tests.acs.client import VENDOR_MEDIA_TYPE, AcsTool, control_body
from tests.acs.conftest import move_to


@pytest.mark.django_db
@pytest.mark.parametrize(
    "action, fields",
    [
        ("terminate", {"reason_code": "1", "incident_severity": 0.9}),
        ("flag", {"reason_code": "13"}),
        ("pause", {}),
        ("update", {"extra_time": 600}),
    ],
)
def test_repeating_a_request_is_idempotent(acs_tool, started_attempt, action, fields):
    token = acs_tool.access_token()
    body = control_body(started_attempt, action, **fields)
    first = acs_tool.post(body, token=token)
    after_first = ExamAttempt.objects.get(pk=started_attempt.pk)
    second = acs_tool.post(body, token=token)
    third = acs_tool.post(dict(reversed(list(body.items()))), token=token, media_type=VENDOR_MEDIA_TYPE)
    assert first.status_code == second.status_code == third.status_code == 200
    assert first.json() == second.json() == third.json()
    after = ExamAttempt.objects.get(pk=started_attempt.pk)
    assert (after.status, after.allowed_time_limit_mins, after.paused_at) == (
        after_first.status,
        after_first.allowed_time_limit_mins,
        after_first.paused_at,
    )
    assert AttemptReview.objects.filter(attempt=started_attempt).count() == 1


@pytest.mark.django_db
def test_repeated_terminate_sends_one_status_change(acs_tool, started_attempt):
    changes = []

    def receiver(sender, **kwargs):
        changes.append(kwargs["to_status"])

    attempt_status_changed.connect(receiver, weak=False)
    try:
        body = control_body(started_attempt, "terminate", reason_code="2")
        answers = [acs_tool.post(body).json() for _ in range(3)]
    finally:
        attempt_status_changed.disconnect(receiver)
    assert answers == [{"status": "terminated"}] * 3
    assert changes == ["error"]


@pytest.mark.django_db
def test_a_different_incident_time_is_a_new_request(acs_tool, started_attempt):
    acs_tool.post(control_body(started_attempt, "update", extra_time=60))
    acs_tool.post(control_body(started_attempt, "update", extra_time=60, incident_time="2026-05-01T10:09:00Z"))
    assert ExamAttempt.objects.get(pk=started_attempt.pk).allowed_time_limit_mins == 62
    assert AttemptReview.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_concurrent_identical_requests_apply_once(pem_config, tool_key, attempt):
    if connection.vendor not in ("postgresql", "mysql"):
        pytest.skip("row locks and concurrent transactions need PostgreSQL or MariaDB")
    started = move_to(attempt, "started")
    tool = AcsTool(config=pem_config, key=tool_key)
    token = tool.access_token()
    body = control_body(started, "update", extra_time=600)
    answers, barrier = [], threading.Barrier(4)

    def send():
        barrier.wait()
        try:
            answers.append(AcsTool(config=pem_config, key=tool_key).post(body, token=token))
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert [r.status_code for r in answers] == [200] * 4
    assert {r.content for r in answers} == {b'{"status": "running", "extra_time": 600}'}
    assert ExamAttempt.objects.get(pk=started.pk).allowed_time_limit_mins == 70
    assert AttemptReview.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    "media_type", ["application/json", VENDOR_MEDIA_TYPE, f"{VENDOR_MEDIA_TYPE}; charset=utf-8", "Application/JSON"]
)
def test_both_media_types_are_accepted_and_echoed(acs_tool, started_attempt, media_type):
    response = acs_tool.post(control_body(started_attempt, "pause"), media_type=media_type)
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == media_type.split(";")[0].lower()
    assert response.json() == {"status": "paused"}
    assert ExamAttempt.objects.get(pk=started_attempt.pk).is_paused


@pytest.mark.django_db
def test_auth_errors_answer_in_the_media_type_sent(acs_tool, started_attempt):
    response = acs_tool.post(control_body(started_attempt, "pause"), token="", media_type=VENDOR_MEDIA_TYPE)
    assert response.status_code == 401
    assert response["Content-Type"] == VENDOR_MEDIA_TYPE
