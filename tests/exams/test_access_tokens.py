"""Exam access tokens: decision matrix, RS512 claims verifiable with the published key."""

import json
from datetime import timedelta

import jwt
import pytest
from django.utils import timezone
from jwt.algorithms import RSAAlgorithm

from exams import statuses as s
from tests.exams.factories import attempt_in_status


def token_url(exam):
    return f"/api/v1/access_tokens/exam_id/{exam.pk}/"


def set_due(exam, minutes):
    exam.due_date = timezone.now() + timedelta(minutes=minutes)
    exam.save()


@pytest.mark.django_db
class TestDecision:
    def test_unknown_exam_is_404(self, clients, learner):
        response = clients.of(learner).get("/api/v1/access_tokens/exam_id/9999/")
        assert (response.status_code, response.json()) == (404, {"detail": "Exam does not exist"})

    def test_anonymous_401_and_no_attempt_403(self, clients, learner, timed_exam):
        assert clients.anonymous.get(token_url(timed_exam)).status_code == 401
        response = clients.of(learner).get(token_url(timed_exam))
        assert (response.status_code, response.json()) == (403, {"detail": "Exam access token not granted"})

    def test_course_and_global_staff_always_granted(
        self, clients, course_staff, global_staff, other_course_staff, timed_exam
    ):
        for user in (course_staff, global_staff):
            assert clients.of(user).get(token_url(timed_exam)).json()["exam_access_token_expiration"] == 60
        assert clients.of(other_course_staff).get(token_url(timed_exam)).status_code == 403

    @pytest.mark.parametrize(
        "status,minutes_left,granted",
        [
            (s.STARTED, 30, True),
            (s.STARTED, -1, False),
            (s.READY_TO_SUBMIT, 30, False),
            (s.CREATED, 30, False),
            (s.SUBMITTED, 30, False),
            (s.VERIFIED, 30, False),
        ],
    )
    def test_before_due_date_only_a_running_started_attempt(
        self, clients, learner, timed_exam, status, minutes_left, granted
    ):
        attempt_in_status(learner, timed_exam, status, minutes_left=minutes_left)
        response = clients.of(learner).get(token_url(timed_exam))
        assert (response.status_code == 200) is granted

    def test_expiry_is_capped_by_time_remaining(self, clients, learner, timed_exam):
        start = timezone.now() - timedelta(minutes=30) + timedelta(seconds=30)
        attempt_in_status(learner, timed_exam, s.STARTED, start_time=start, allowed_time_limit_mins=30)
        expiration = clients.of(learner).get(token_url(timed_exam)).json()["exam_access_token_expiration"]
        assert 25 < expiration < 31

    @pytest.mark.parametrize(
        "status,hide,granted",
        [(s.SUBMITTED, False, True), (s.VERIFIED, False, True), (s.SUBMITTED, True, False), (s.REJECTED, False, False)],
    )
    def test_after_due_date_reviewable_attempts(self, clients, learner, timed_exam, status, hide, granted):
        attempt_in_status(learner, timed_exam, status)
        set_due(timed_exam, -5)
        timed_exam.hide_after_due = hide
        timed_exam.save()
        assert (clients.of(learner).get(token_url(timed_exam)).status_code == 200) is granted

    def test_after_due_date_without_attempt_respects_hide_after_due(self, clients, learner, timed_exam):
        set_due(timed_exam, -5)
        assert clients.of(learner).get(token_url(timed_exam)).status_code == 200
        timed_exam.hide_after_due = True
        timed_exam.save()
        assert clients.of(learner).get(token_url(timed_exam)).status_code == 403


@pytest.mark.django_db
def test_token_claims_verify_with_the_published_public_key(clients, learner, timed_exam):
    attempt_in_status(learner, timed_exam, s.STARTED)
    token = clients.of(learner).get(token_url(timed_exam)).json()["exam_access_token"]
    keys = clients.anonymous.get("/api/v1/access_tokens/public_keys").json()["keys"]
    assert keys[0]["alg"] == "RS512" and keys[0]["use"] == "sig" and "d" not in keys[0]
    public = RSAAlgorithm.from_jwk(json.dumps(keys[0]))
    claims = jwt.decode(token, public, algorithms=["RS512"])
    assert claims["lms_user_id"] == learner.lms_user_id
    assert (claims["course_id"], claims["content_id"], claims["version"]) == (
        timed_exam.course_id,
        timed_exam.content_id,
        "1.2.0",
    )
    assert claims["exp"] - claims["iat"] == 60
