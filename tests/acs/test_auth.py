"""Who may call the ACS: a bearer token from the token endpoint, with the ACS scope, of this URL's registration."""

import re
import time
from io import StringIO

import jwt
import pytest
from django.core.management import call_command
from django.test import Client

from exams.models import AttemptReview, ExamAttempt, ProctoringProvider
from lti.models import PlatformKey
from lti.services import keys
from lti.services.access_tokens import ACS_SCOPE
from tests.acs.client import control_body
from tests.lti.helpers import GATE, auth_request, start
from tests.lti.tool import new_rsa_key, pem

pytestmark = pytest.mark.django_db


def platform_signed(claims: dict, key=None, kid=None, algorithm="RS256") -> str:
    """A token signed like the library signs access tokens (the platform key), with chosen claims."""
    key = key or keys.current_key()
    secret = key.private_key_pem if isinstance(key, PlatformKey) else key
    return jwt.encode(claims, secret, algorithm=algorithm, headers={"kid": kid or keys.current_key().kid})


def library_claims(config, **overrides) -> dict:
    now = int(time.time())
    claims = {"sub": config.lti_1p3_client_id, "iss": "http://testserver", "scopes": ACS_SCOPE}
    return {**claims, "iat": now, "exp": now + 3600, **overrides}


def assert_unauthorized(response, error="invalid_token"):
    assert response.status_code == 401, response.content
    assert response["WWW-Authenticate"].startswith("Bearer")
    if error:
        assert f'error="{error}"' in response["WWW-Authenticate"]
    assert response.json()["detail"]


def test_token_endpoint_grants_the_acs_scope(acs_tool):
    response = acs_tool.token_response()
    assert response.status_code == 200, response.content
    token = response.json()
    assert token["scope"] == ACS_SCOPE and token["token_type"] == "bearer" and token["expires_in"] == 3600


def test_missing_bearer_is_401(acs_tool, started_attempt):
    response = acs_tool.post(control_body(started_attempt, "flag"), token="")
    assert_unauthorized(response, error="")
    assert response["WWW-Authenticate"] == "Bearer"
    basic = Client().post(
        acs_tool.acs_path, data="{}", content_type="application/json", HTTP_AUTHORIZATION="Basic dXNlcjpwYXNz"
    )
    assert_unauthorized(basic, error="")
    assert AttemptReview.objects.count() == 0


@pytest.mark.parametrize("header", ["Bearer", "Bearer a b"])
def test_malformed_authorization_header_is_401(acs_tool, header):
    response = Client().post(acs_tool.acs_path, data="{}", content_type="application/json", HTTP_AUTHORIZATION=header)
    assert_unauthorized(response, error="invalid_request")


def test_garbage_token_is_401(acs_tool, started_attempt):
    assert_unauthorized(acs_tool.post(control_body(started_attempt, "flag"), token="not-a-jwt"))


def test_expired_token_is_401(acs_tool, started_attempt, pem_config):
    now = int(time.time())
    token = platform_signed(library_claims(pem_config, iat=now - 7200, exp=now - 3600))
    response = acs_tool.post(control_body(started_attempt, "flag"), token=token)
    assert_unauthorized(response)
    assert "expired" in response.json()["detail"]


def test_token_signed_by_another_key_is_401(acs_tool, started_attempt, pem_config):
    foreign = pem(new_rsa_key(), True)
    assert_unauthorized(
        acs_tool.post(
            control_body(started_attempt, "flag"), token=platform_signed(library_claims(pem_config), key=foreign)
        )
    )
    unknown_kid = platform_signed(library_claims(pem_config), kid="unknown-kid")
    assert_unauthorized(acs_tool.post(control_body(started_attempt, "flag"), token=unknown_kid))


def test_hs256_token_is_401(acs_tool, started_attempt, pem_config):
    token = jwt.encode(library_claims(pem_config), "secret", algorithm="HS256", headers={"kid": keys.current_key().kid})
    assert_unauthorized(acs_tool.post(control_body(started_attempt, "flag"), token=token))


@pytest.mark.parametrize("overrides", [{"iss": "https://evil.example"}, {"iss": None}, {"scopes": None}, {"exp": None}])
def test_token_with_wrong_or_missing_claims_is_401(acs_tool, started_attempt, pem_config, overrides):
    claims = {k: v for k, v in library_claims(pem_config, **overrides).items() if v is not None}
    assert_unauthorized(acs_tool.post(control_body(started_attempt, "flag"), token=platform_signed(claims)))


def test_a_launch_id_token_is_not_an_access_token(acs_tool, started_attempt, pem_config, learner, proctored_exam):
    """id_tokens are signed with the same platform key; their `aud` makes them useless as bearer tokens."""
    second = ExamAttempt.objects.create(user=learner, exam=proctored_exam, attempt_number=9, status="created")
    client = Client()
    page = client.get(GATE, auth_request(pem_config, start(client, second, learner))).content.decode()
    id_token = re.search(r'name="id_token" value="([^"]+)"', page).group(1)
    assert_unauthorized(acs_tool.post(control_body(started_attempt, "flag"), token=id_token))
    # even with the claims of an access token added, the audience gives it away
    claims = {**jwt.decode(id_token, options={"verify_signature": False}), **library_claims(pem_config)}
    assert claims["aud"] == pem_config.lti_1p3_client_id
    assert_unauthorized(acs_tool.post(control_body(started_attempt, "flag"), token=platform_signed(claims)))


def test_token_without_the_acs_scope_is_403(acs_tool, started_attempt, pem_config):
    response = acs_tool.token_response(scope="https://purl.imsglobal.org/spec/lti-ags/scope/score")
    assert response.status_code == 400 and response.json()["error"] == "invalid_scope"  # no token without a scope
    other_scope = library_claims(pem_config, scopes="https://purl.imsglobal.org/spec/lti-ags/scope/score")
    token = platform_signed({**other_scope, "registration": str(pem_config.config_id)})
    answer = acs_tool.post(control_body(started_attempt, "pause"), token=token)
    assert answer.status_code == 403
    assert 'error="insufficient_scope"' in answer["WWW-Authenticate"]
    assert not ExamAttempt.objects.get(pk=started_attempt.pk).is_paused


def test_token_of_another_registration_is_403(acs_tool, other_acs_tool, started_attempt):
    response = acs_tool.post(control_body(started_attempt, "pause"), token=other_acs_tool.access_token())
    assert response.status_code == 403
    assert "registration" in response.json()["detail"]
    assert not ExamAttempt.objects.get(pk=started_attempt.pk).is_paused


def test_unknown_registration_in_the_url_is_403(acs_tool, started_attempt, pem_config):
    response = acs_tool.post(control_body(started_attempt, "flag"), path=f"/lti/{pem_config.pk + 100}/acs")
    assert response.status_code == 403


def test_a_tool_cannot_act_on_attempts_of_other_providers_exams(acs_tool, other_acs_tool, started_attempt):
    """The other vendor, with a valid token at its own URL, does not see this provider's attempts."""
    response = other_acs_tool.post(control_body(started_attempt, "terminate", reason_code="0"))
    assert response.status_code == 404
    assert ExamAttempt.objects.get(pk=started_attempt.pk).status == "started"


def test_provider_switch_moves_the_attempts_to_the_new_tool(acs_tool, other_acs_tool, started_attempt):
    """Access follows ProctoringProvider.lti_configuration_id, not who launched first."""
    provider = ProctoringProvider.objects.get(pk=started_attempt.exam.provider_id)
    provider.lti_configuration_id = str(other_acs_tool.config.pk)
    provider.save()
    assert acs_tool.post(control_body(started_attempt, "flag")).status_code == 404
    assert other_acs_tool.post(control_body(started_attempt, "flag")).status_code == 200


# --- key rotation -----------------------------------------------------------------------------------------------
def test_acs_keeps_working_across_key_rotation(acs_tool, started_attempt, settings):
    before = acs_tool.access_token()
    call_command("rotate_lti_keys", stdout=StringIO())
    after = acs_tool.access_token()
    assert jwt.get_unverified_header(before)["kid"] != jwt.get_unverified_header(after)["kid"]
    # a token issued before the rotation stays valid until it expires (previous key still published) ...
    response = acs_tool.post(control_body(started_attempt, "pause"), token=before)
    assert response.status_code == 200, response.content
    # ... and the tool's new token, signed with the new key, works too
    response = acs_tool.post(control_body(started_attempt, "resume", incident_time="2026-05-01T10:01:00Z"), token=after)
    assert response.status_code == 200, response.content
    # once its key leaves the published window, the old token is refused
    settings.LTI_PUBLISHED_KEY_COUNT = 2
    call_command("rotate_lti_keys", stdout=StringIO())
    stale = acs_tool.post(control_body(started_attempt, "flag"), token=before)
    assert_unauthorized(stale)
    assert acs_tool.post(control_body(started_attempt, "flag"), token=after).status_code == 200
