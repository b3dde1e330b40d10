"""Spec §5.5 rows about the launch (authentication request and LtiStartAssessment): 4xx, nothing changes."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from freezegun import freeze_time

from exams.auth.backends import LMS_SESSION_BACKEND
from exams.models import ExamAttempt
from lti.models import LaunchHint, ProctoringSession
from tests.conftest import auth_header
from tests.lti.helpers import GATE, START_ASSESSMENT, auth_request, id_token_of, launched, start, start_jwt
from tests.lti.tool import LTI, LTI_AP, new_rsa_key

pytestmark = pytest.mark.django_db


def status(attempt):
    return ExamAttempt.objects.get(pk=attempt.pk).status


# --- start_proctoring -----------------------------------------------------------------------------------
def test_start_proctoring_redirects_to_the_tool_login_with_a_random_hint(pem_config, attempt, learner):
    client = Client()
    login = start(client, attempt, learner)
    assert login["iss"] == "http://testserver"
    assert login["client_id"] == pem_config.lti_1p3_client_id
    assert login["target_link_uri"] == "https://tool.example/launch"
    assert login["login_hint"] == str(learner.anonymous_user_id)
    assert len(login["lti_message_hint"]) >= 40
    assert status(attempt) == "download_software_clicked"
    assert client.session["_auth_user_id"] == str(learner.pk)
    assert start(Client(), attempt, learner)["lti_message_hint"] != login["lti_message_hint"]


def test_start_proctoring_of_another_users_attempt_is_403(pem_config, attempt, other_learner):
    response = Client().get(f"/lti/start_proctoring/{attempt.pk}", HTTP_AUTHORIZATION=auth_header(other_learner))
    assert response.status_code == 403
    assert "does not have access" in response.json()["detail"]
    assert status(attempt) == "created"


def test_start_proctoring_unknown_attempt_and_anonymous(pem_config, attempt, learner):
    response = Client().get("/lti/start_proctoring/999999", HTTP_AUTHORIZATION=auth_header(learner))
    assert response.status_code == 400 and "does not exist" in response.json()["detail"]
    assert Client().get(f"/lti/start_proctoring/{attempt.pk}").status_code in (401, 403)
    assert status(attempt) == "created"


# --- authentication request (launch gate) -------------------------------------------------------------
@pytest.mark.parametrize(
    ("override", "expected_status", "message"),
    [
        ({"redirect_uri": "https://evil.example/launch"}, 400, "redirect_uri"),
        ({"client_id": "another-client"}, 400, "client_id"),
        ({"nonce": None}, 400, "nonce"),
        ({"state": None}, 400, "state"),
        ({"lti_message_hint": "guessed-hint"}, 400, "Unknown"),
        ({"login_hint": "someone-else"}, 400, "login_hint"),
        ({"response_type": "code"}, 400, "response_type"),
        ({"scope": "profile"}, 400, "scope"),
    ],
)
def test_bad_authentication_request(pem_config, attempt, learner, override, expected_status, message):
    client = Client()
    login = start(client, attempt, learner)
    response = client.get(GATE, auth_request(pem_config, login, **override))
    assert response.status_code == expected_status
    assert message in response.json()["detail"]
    assert LaunchHint.objects.get(hint=login["lti_message_hint"]).used_at is None


def test_second_registered_redirect_uri_is_accepted(pem_config, attempt, learner):
    client = Client()
    response = client.post(
        GATE, auth_request(pem_config, start(client, attempt, learner), redirect_uri="https://tool.example/launch2")
    )
    assert response.status_code == 200
    assert 'action="https://tool.example/launch2"' in response.content.decode()


def test_hint_is_refused_in_another_users_browser(pem_config, attempt, learner, other_learner):
    login = start(Client(), attempt, learner)
    attacker = Client()
    attacker.force_login(other_learner, backend=LMS_SESSION_BACKEND)
    response = attacker.get(GATE, auth_request(pem_config, login))
    assert response.status_code == 403
    assert "another user" in response.json()["detail"]


def test_hint_is_refused_without_a_platform_session(pem_config, attempt, learner):
    login = start(Client(), attempt, learner)
    response = Client().get(GATE, auth_request(pem_config, login))
    assert response.status_code == 403
    assert "No platform session" in response.json()["detail"]


def test_hint_is_single_use(pem_config, attempt, learner):
    client = Client()
    login = start(client, attempt, learner)
    assert client.get(GATE, auth_request(pem_config, login)).status_code == 200
    replay = client.get(GATE, auth_request(pem_config, login))
    assert replay.status_code == 400
    assert "already used" in replay.json()["detail"]


def test_expired_hint(pem_config, attempt, learner):
    client = Client()
    login = start(client, attempt, learner)
    with freeze_time(timezone.now() + timedelta(hours=1)):
        response = client.get(GATE, auth_request(pem_config, login))
    assert response.status_code == 400 and "expired" in response.json()["detail"]


def test_launch_carries_the_proctoring_claims(pem_config, attempt, learner, proctored_exam):
    body = launched(Client(), pem_config, attempt, learner)
    assert body[LTI + "message_type"] == "LtiStartProctoring"
    assert body[LTI_AP + "session_data"] == ProctoringSession.objects.get(attempt=attempt).session_data
    assert body[LTI_AP + "acs"]["actions"] == ["flag", "terminate", "pause", "resume", "update"]
    assert body[LTI + "resource_link"] == {"id": proctored_exam.resource_id}


# --- LtiStartAssessment ----------------------------------------------------------------------------------
def _post(client, token):
    return client.post(START_ASSESSMENT, {"JWT": token} if token is not None else {})


@pytest.mark.parametrize(
    ("tamper", "message"),
    [
        ({LTI_AP + "session_data": "wrong"}, "session_data"),
        ({LTI_AP + "attempt_number": 7}, "No proctoring launch"),
        ({LTI + "resource_link": {"id": "another-exam"}}, "No proctoring launch"),
        ({LTI + "message_type": "LtiStartProctoring"}, "message_type"),
        ({LTI + "version": "1.1"}, "version"),
        ({LTI + "deployment_id": "2"}, "deployment_id"),
        ({"aud": "https://another-platform.example"}, "audience"),
        ({"exp": 1_000_000_000, "iat": 999_999_000}, "expired"),
        ({"nonce": None}, "nonce"),
        ({"iss": "unknown-client"}, "client_id of a registered"),
        ({"iat": 1, "exp": 4_000_000_000}, "longer"),
    ],
)
def test_bad_start_assessment(pem_config, attempt, learner, tool_key, tamper, message):
    client = Client()
    body = launched(client, pem_config, attempt, learner)
    response = _post(client, start_jwt(tool_key, pem_config, body, **tamper))
    assert response.status_code == 400, response.content
    assert message.lower() in response.json()["detail"].lower()
    assert status(attempt) == "download_software_clicked"


def test_start_assessment_signed_by_an_unregistered_key(pem_config, attempt, learner):
    client = Client()
    body = launched(client, pem_config, attempt, learner)
    response = _post(client, start_jwt(new_rsa_key(), pem_config, body))
    assert response.status_code == 400 and "signature" in response.json()["detail"].lower()
    assert status(attempt) == "download_software_clicked"


@pytest.mark.parametrize("token", [None, "", "not-a-jwt", "a.b.c"])
def test_missing_or_garbage_jwt(pem_config, attempt, learner, token):
    client = Client()
    launched(client, pem_config, attempt, learner)
    response = _post(client, token)
    assert response.status_code == 400 and response.json()["detail"]
    assert status(attempt) == "download_software_clicked"


def test_start_assessment_unsigned_jwt(pem_config, attempt, learner, tool_key):
    import jwt as pyjwt

    client = Client()
    body = launched(client, pem_config, attempt, learner)
    claims = pyjwt.decode(start_jwt(tool_key, pem_config, body), options={"verify_signature": False})
    response = _post(client, pyjwt.encode(claims, None, algorithm="none"))
    assert response.status_code == 400
    assert status(attempt) == "download_software_clicked"


def test_start_assessment_without_platform_session(pem_config, attempt, learner, tool_key):
    body = launched(Client(), pem_config, attempt, learner)
    response = _post(Client(), start_jwt(tool_key, pem_config, body))
    assert response.status_code == 403 and "session" in response.json()["detail"]
    assert status(attempt) == "download_software_clicked"


def test_start_assessment_in_another_users_session(pem_config, attempt, learner, other_learner, tool_key):
    body = launched(Client(), pem_config, attempt, learner)
    other = Client()
    other.force_login(other_learner, backend=LMS_SESSION_BACKEND)
    response = _post(other, start_jwt(tool_key, pem_config, body))
    assert response.status_code == 400
    assert status(attempt) == "download_software_clicked"


def test_start_assessment_replay(pem_config, attempt, learner, tool_key):
    client = Client()
    body = launched(client, pem_config, attempt, learner)
    token = start_jwt(tool_key, pem_config, body)
    assert _post(client, token).status_code == 200
    assert status(attempt) == "ready_to_start"
    replay = _post(client, token)
    assert replay.status_code == 400 and "already used" in replay.json()["detail"]
    same_nonce = start_jwt(
        tool_key, pem_config, body, nonce=__import__("jwt").decode(token, options={"verify_signature": False})["nonce"]
    )
    assert _post(client, same_nonce).status_code == 400


def test_an_hour_in_the_tool_setup_is_fine(pem_config, attempt, learner, tool_key):
    """Launch state lives in the database per attempt: no 10-minute cache expiry."""
    client = Client()
    body = launched(client, pem_config, attempt, learner)
    with freeze_time(timezone.now() + timedelta(minutes=75)):
        response = _post(client, start_jwt(tool_key, pem_config, body))
    assert response.status_code == 200, response.content
    assert status(attempt) == "ready_to_start"
    assert ProctoringSession.objects.get(attempt=attempt).end_assessment_return is True


def test_start_assessment_for_a_reset_attempt_is_refused(pem_config, attempt, learner, tool_key, course_staff):
    from exams.services.attempts import reset_attempt

    client = Client()
    body = launched(client, pem_config, attempt, learner)
    reset_attempt(attempt_id=attempt.pk, requesting_user=course_staff)
    response = _post(client, start_jwt(tool_key, pem_config, body))
    assert response.status_code == 400
    assert status(attempt) == "download_software_clicked"


def test_launch_gate_id_token_is_a_fresh_launch_per_request(pem_config, attempt, learner):
    client = Client()
    first = client.get(GATE, auth_request(pem_config, start(client, attempt, learner), nonce="n1"))
    second = client.get(GATE, auth_request(pem_config, start(client, attempt, learner), nonce="n2"))
    assert id_token_of(first)["nonce"] == "n1" and id_token_of(second)["nonce"] == "n2"
