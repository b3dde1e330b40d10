"""End assessment (with and without LtiEndAssessment), the instructor tool launch and its roster."""

from urllib.parse import parse_qs, urlparse

import pytest
from django.test import Client

from exams.models import ExamAttempt
from tests.conftest import auth_header
from tests.lti.helpers import GATE, START_ASSESSMENT, auth_request, id_token_of, launched, start_jwt
from tests.lti.tool import LTI, LTI_AP

pytestmark = pytest.mark.django_db
EXAM_URL = "http://test.learning:2000/course/{e.course_id}/{e.content_id}"


def _ready(client, config, attempt, learner, key, end_return=True):
    body = launched(client, config, attempt, learner)
    token = start_jwt(key, config, body, **{LTI_AP + "end_assessment_return": end_return})
    assert client.post(START_ASSESSMENT, {"JWT": token}).status_code == 200


def test_end_assessment_sends_lti_end_assessment_when_asked(pem_config, attempt, learner, tool_key, proctored_exam):
    client = Client()
    _ready(client, pem_config, attempt, learner, tool_key)
    response = client.get(f"/lti/end_assessment/{attempt.pk}", HTTP_AUTHORIZATION=auth_header(learner))
    assert response.status_code == 302
    assert ExamAttempt.objects.get(pk=attempt.pk).status == "submitted"
    login = {k: v[0] for k, v in parse_qs(urlparse(response["Location"]).query).items()}
    assert response["Location"].startswith("https://tool.example/login?")
    body = id_token_of(client.get(GATE, auth_request(pem_config, login)))
    assert body[LTI + "message_type"] == "LtiEndAssessment"
    assert body[LTI_AP + "attempt_number"] == 1
    assert body[LTI + "launch_presentation"]["return_url"] == EXAM_URL.format(e=proctored_exam)


def test_end_assessment_without_request_redirects_to_the_exam(pem_config, attempt, learner, tool_key, proctored_exam):
    client = Client()
    _ready(client, pem_config, attempt, learner, tool_key, end_return=False)
    response = client.get(f"/lti/end_assessment/{attempt.pk}", HTTP_AUTHORIZATION=auth_header(learner))
    assert response.status_code == 302 and response["Location"] == EXAM_URL.format(e=proctored_exam)
    assert ExamAttempt.objects.get(pk=attempt.pk).status == "submitted"


def test_end_assessment_of_another_users_attempt(pem_config, attempt, other_learner):
    response = Client().get(f"/lti/end_assessment/{attempt.pk}", HTTP_AUTHORIZATION=auth_header(other_learner))
    assert response.status_code == 403
    assert ExamAttempt.objects.get(pk=attempt.pk).status == "created"


def test_end_assessment_on_a_created_attempt_is_refused(pem_config, attempt, learner):
    response = Client().get(f"/lti/end_assessment/{attempt.pk}", HTTP_AUTHORIZATION=auth_header(learner))
    assert response.status_code == 400 and response.json()["detail"]
    assert ExamAttempt.objects.get(pk=attempt.pk).status == "created"


def test_instructor_tool_launch_and_roster(pem_config, attempt, learner, course_staff, proctored_exam):
    client = Client()
    response = client.get(
        f"/lti/exam/{proctored_exam.pk}/instructor_tool", HTTP_AUTHORIZATION=auth_header(course_staff)
    )
    assert response.status_code == 302
    login = {k: v[0] for k, v in parse_qs(urlparse(response["Location"]).query).items()}
    body = id_token_of(client.get(GATE, auth_request(pem_config, login)))
    assert body[LTI + "message_type"] == "LtiResourceLinkRequest"
    assert body[LTI + "roles"] == ["http://purl.imsglobal.org/vocab/lis/v2/institution/person#Instructor"]
    roster_url = body[LTI + "custom"]["roster_url"]
    assert roster_url == f"http://testserver/lti/exam/{proctored_exam.pk}/instructor_tool/roster"
    roster = client.get(roster_url.removeprefix("http://testserver"))  # the staff session started by the launch
    assert roster.status_code == 200
    assert roster.json() == [[str(learner.anonymous_user_id), "learner"]]


def test_instructor_tool_and_roster_refuse_learners(pem_config, attempt, learner, proctored_exam):
    headers = {"HTTP_AUTHORIZATION": auth_header(learner)}
    assert Client().get(f"/lti/exam/{proctored_exam.pk}/instructor_tool", **headers).status_code == 403
    assert Client().get(f"/lti/exam/{proctored_exam.pk}/instructor_tool/roster", **headers).status_code == 403
    assert Client().get(f"/lti/exam/{proctored_exam.pk}/instructor_tool/roster").status_code in (401, 403)
    response = Client().get("/lti/exam/99999/instructor_tool", **headers)
    assert response.status_code == 400 and "does not exist" in response.json()["detail"]
