"""The session an LTI launch opens carries the learner's LMS identity only, for no longer than its JWT."""

import pytest
from django.contrib.auth.models import Group
from django.test import Client

from exams.models import User
from exams.services.attempts import create_attempt
from tests.lti.helpers import start
from xqueue.constants import ROLE_GROUPS


@pytest.fixture
def attempt_for(proctored_exam, pem_config):
    return lambda user: create_attempt(user=user, exam_id=proctored_exam.pk, start_clock=False)


@pytest.mark.django_db
def test_lms_user_in_the_grader_group_gets_no_xqueue_role_from_a_launch_session(learner, attempt_for):
    """Even if an operator put an LMS user in the grader group, a launch session is not an xqueue login."""
    learner.groups.add(Group.objects.get_or_create(name=ROLE_GROUPS["grader"])[0])
    client = Client()
    start(client, attempt_for(learner), learner)
    response = client.get("/xqueue/get_queuelen/", {"queue_name": "q"})
    assert response.status_code in (302, 403)


@pytest.mark.django_db
def test_launch_session_of_an_lms_administrator_does_not_open_the_admin(attempt_for):
    lms_admin = User.objects.create(username="lms_admin", lms_user_id=77, is_staff=True)
    client = Client()
    start(client, attempt_for(lms_admin), lms_admin)
    assert client.get("/admin/").status_code == 302  # to the login page
    assert client.get("/admin/exams/user/").status_code == 302


@pytest.mark.django_db
def test_launch_session_lives_no_longer_than_the_jwt_that_opened_it(learner, attempt_for, settings):
    from datetime import timedelta

    from django.utils import timezone

    from exams.auth.tokens import encode_jwt

    now = timezone.now()
    token = encode_jwt(
        {
            "preferred_username": learner.username,
            "user_id": learner.lms_user_id,
            "exp": int((now + timedelta(minutes=2)).timestamp()),
        }
    )
    client = Client()
    response = client.get(f"/lti/start_proctoring/{attempt_for(learner).pk}", HTTP_AUTHORIZATION=f"JWT {token}")
    assert response.status_code == 302
    assert 0 < client.session.get_expiry_age() <= 120
    assert int(response.cookies[settings.SESSION_COOKIE_NAME]["max-age"]) <= 120


@pytest.mark.django_db
def test_launch_session_lives_at_most_the_launch_window(learner, attempt_for, settings):
    settings.LTI_LAUNCH_SESSION_MAX_SECONDS = 300
    client = Client()
    start(client, attempt_for(learner), learner)  # a 24-hour development token
    assert 0 < client.session.get_expiry_age() <= 300


@pytest.mark.django_db
def test_launch_session_ends_when_the_assessment_ends(learner, attempt_for):
    from exams.models import ExamAttempt

    client = Client()
    attempt = attempt_for(learner)
    start(client, attempt, learner)
    assert "_auth_user_id" in client.session
    ExamAttempt.objects.filter(pk=attempt.pk).update(status="submitted")
    response = client.get(f"/lti/start_proctoring/{attempt.pk}")  # the session alone, no JWT
    assert response.status_code in (401, 403)
    assert "_auth_user_id" not in client.session
