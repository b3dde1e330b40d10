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
