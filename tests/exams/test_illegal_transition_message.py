"""A learner action on a completed attempt answers with the reference's exact words (the MFE may show them)."""

import pytest

from exams.models import ExamAttempt
from exams.services.attempts import create_attempt

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("action, target", [("start", "started"), ("stop", "ready_to_submit")])
def test_learner_action_on_a_submitted_attempt_uses_the_reference_message(clients, learner, timed_exam, action, target):
    attempt = create_attempt(user=learner, exam_id=timed_exam.pk, start_clock=True)
    client = clients.of(learner)
    assert client.put(f"/api/v1/exams/attempt/{attempt.pk}", {"action": "submit"}, format="json").status_code == 200
    response = client.put(f"/api/v1/exams/attempt/{attempt.pk}", {"action": action}, format="json")
    assert response.status_code == 400
    assert response.json()["detail"] == (
        f'A status transition from "submitted" to "{target}" was attempted on exam_id={timed_exam.pk} '
        f"for user_id={learner.pk}. This is not allowed! (course_id={timed_exam.course_id})"
    )
    assert ExamAttempt.objects.get(pk=attempt.pk).status == "submitted"
