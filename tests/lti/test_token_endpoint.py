"""The LTI token endpoint (`POST /lti/lti_consumer/v1/token/<uuid>`), one test per rule of RFC 6749 §4.4/§5 and
RFC 7523 §3 (client assertion), plus the link between the token and the ACS registration."""

import time
import uuid
from urllib.parse import urlencode

import jwt
import pytest
from django.test import Client

from exams.models import ExamAttempt
from lti.models import ToolMessageNonce
from lti.services.access_tokens import ACS_SCOPE
from tests.acs.client import AcsTool, control_body
from tests.acs.conftest import move_to
from tests.lti.tool import new_rsa_key, pem

pytestmark = pytest.mark.django_db
JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"


def assertion(tool: AcsTool, key=None, drop=(), **claims) -> str:
    now = int(time.time())
    body = {
        "iss": tool.config.lti_1p3_client_id,
        "sub": tool.config.lti_1p3_client_id,
        "aud": "http://testserver" + tool.token_path,
        "iat": now,
        "exp": now + 60,
        "jti": uuid.uuid4().hex,
        **claims,
    }
    body = {k: v for k, v in body.items() if k not in drop}
    return jwt.encode(body, pem(key or tool.key, True), algorithm="RS256", headers={"kid": "tool-key"})


def token_request(tool: AcsTool, drop=(), path=None, **fields):
    form = {
        "grant_type": "client_credentials",
        "client_assertion_type": JWT_BEARER,
        "client_assertion": fields.pop("client_assertion", None) or assertion(tool),
        "scope": ACS_SCOPE,
        **fields,
    }
    form = {k: v for k, v in form.items() if k not in drop}
    return Client().post(path or tool.token_path, urlencode(form), content_type="application/x-www-form-urlencoded")


def assert_oauth_error(response, error: str, status: int = 400):
    assert response.status_code == status, response.content
    body = response.json()
    assert body["error"] == error, body
    assert set(body) <= {"error", "error_description"}
    assert response["Cache-Control"] == "no-store"


@pytest.fixture
def tool(pem_config, tool_key):
    """The PEM-registered tool as an ACS client (shadows the live pylti1p3 tool fixture of this package)."""
    return AcsTool(config=pem_config, key=tool_key)


def test_a_valid_request_gets_a_bearer_token_for_the_acs_scope(tool):
    response = token_request(tool)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["token_type"] == "bearer" and body["scope"] == ACS_SCOPE and body["expires_in"] == 3600
    assert response["Cache-Control"] == "no-store" and response["Pragma"] == "no-cache"
    claims = jwt.decode(body["access_token"], options={"verify_signature": False})
    assert claims["sub"] == tool.config.lti_1p3_client_id
    assert claims["registration"] == str(tool.config.config_id)


# --- RFC 6749 §4.4.2 / §5.2: the request ---------------------------------------------------------------------
@pytest.mark.parametrize("missing", ["grant_type", "client_assertion_type", "client_assertion"])
def test_a_missing_parameter_is_invalid_request(tool, missing):
    assert_oauth_error(token_request(tool, drop=(missing,)), "invalid_request")


def test_a_repeated_parameter_is_invalid_request(tool):
    body = urlencode({"grant_type": "client_credentials", "client_assertion_type": JWT_BEARER, "scope": ACS_SCOPE})
    body += "&" + urlencode({"client_assertion": assertion(tool)}) + "&" + urlencode({"scope": ACS_SCOPE})
    response = Client().post(tool.token_path, body, content_type="application/x-www-form-urlencoded")
    assert_oauth_error(response, "invalid_request")


def test_a_json_body_is_invalid_request(tool):
    response = Client().post(tool.token_path, {"grant_type": "client_credentials"}, content_type="application/json")
    assert_oauth_error(response, "invalid_request")


@pytest.mark.parametrize(
    "grant_type", ["authorization_code", "password", "urn:ietf:params:oauth:grant-type:jwt-bearer"]
)
def test_another_grant_type_is_unsupported_grant_type(tool, grant_type):
    assert_oauth_error(token_request(tool, grant_type=grant_type), "unsupported_grant_type")


# --- RFC 7523 §3 / RFC 7521 §4.2: the client assertion ----------------------------------------------------------
def test_another_client_assertion_type_is_invalid_client(tool):
    response = token_request(tool, client_assertion_type="urn:example:not-jwt-bearer")
    assert_oauth_error(response, "invalid_client", 401)


def test_an_unknown_registration_is_invalid_client(tool):
    response = token_request(tool, path=f"/lti/lti_consumer/v1/token/{uuid.uuid4()}")
    assert_oauth_error(response, "invalid_client", 401)


def test_a_client_assertion_that_is_not_a_jwt_is_invalid_client(tool):
    assert_oauth_error(token_request(tool, client_assertion="not-a-jwt"), "invalid_client", 401)


def test_a_client_assertion_signed_by_another_key_is_invalid_client(tool):
    response = token_request(tool, client_assertion=assertion(tool, key=new_rsa_key()))
    assert_oauth_error(response, "invalid_client", 401)


def test_an_unsigned_client_assertion_is_invalid_client(tool):
    now = int(time.time())
    claims = {"iss": tool.config.lti_1p3_client_id, "sub": tool.config.lti_1p3_client_id, "iat": now}
    claims.update({"aud": "http://testserver" + tool.token_path, "exp": now + 60, "jti": uuid.uuid4().hex})
    unsigned = jwt.encode(claims, None, algorithm="none")
    assert_oauth_error(token_request(tool, client_assertion=unsigned), "invalid_client", 401)


@pytest.mark.parametrize("claim", ["iss", "sub"])
def test_iss_and_sub_must_be_the_client_id(tool, claim):
    response = token_request(tool, client_assertion=assertion(tool, **{claim: "someone-else"}))
    assert_oauth_error(response, "invalid_client", 401)
    assert_oauth_error(token_request(tool, client_assertion=assertion(tool, drop=(claim,))), "invalid_client", 401)


@pytest.mark.parametrize(
    "aud", ["https://other-platform.example/token", ["https://other-platform.example/token"], "http://testserver"]
)
def test_aud_must_contain_our_token_url(tool, aud):
    assert_oauth_error(token_request(tool, client_assertion=assertion(tool, aud=aud)), "invalid_client", 401)


def test_aud_may_be_a_list_containing_our_token_url(tool):
    aud = ["https://other.example", "http://testserver" + tool.token_path]
    assert token_request(tool, client_assertion=assertion(tool, aud=aud)).status_code == 200


@pytest.mark.parametrize("claim", ["exp", "iat", "jti"])
def test_exp_iat_and_jti_are_required(tool, claim):
    assert_oauth_error(token_request(tool, client_assertion=assertion(tool, drop=(claim,))), "invalid_client", 401)


def test_an_expired_assertion_is_invalid_client(tool):
    now = int(time.time())
    response = token_request(tool, client_assertion=assertion(tool, iat=now - 600, exp=now - 300))
    assert_oauth_error(response, "invalid_client", 401)


def test_an_assertion_issued_long_ago_is_invalid_client(tool):
    now = int(time.time())
    ten_years = 10 * 365 * 24 * 3600
    response = token_request(tool, client_assertion=assertion(tool, iat=now - ten_years, exp=now + ten_years))
    assert_oauth_error(response, "invalid_client", 401)


def test_an_assertion_valid_for_longer_than_the_bound_is_invalid_client(tool, settings):
    now = int(time.time())
    bound = settings.LTI_CLIENT_ASSERTION_MAX_AGE_SECONDS
    assert_oauth_error(
        token_request(tool, client_assertion=assertion(tool, iat=now, exp=now + bound + 120)), "invalid_client", 401
    )
    assert token_request(tool, client_assertion=assertion(tool, iat=now, exp=now + bound)).status_code == 200


def test_an_assertion_from_the_future_is_invalid_client(tool):
    now = int(time.time())
    response = token_request(tool, client_assertion=assertion(tool, iat=now + 3600, exp=now + 3660))
    assert_oauth_error(response, "invalid_client", 401)


def test_a_jti_is_single_use(tool):
    replayed = assertion(tool)
    assert token_request(tool, client_assertion=replayed).status_code == 200
    assert_oauth_error(token_request(tool, client_assertion=replayed), "invalid_client", 401)
    assert ToolMessageNonce.objects.filter(client_id=tool.config.lti_1p3_client_id).count() == 1


def test_a_jti_of_another_tool_does_not_collide(tool, other_acs_tool):
    jti = uuid.uuid4().hex
    assert token_request(tool, client_assertion=assertion(tool, jti=jti)).status_code == 200
    response = token_request(other_acs_tool, client_assertion=assertion(other_acs_tool, jti=jti))
    assert response.status_code == 200, response.content


# --- RFC 6749 §3.3: scopes ------------------------------------------------------------------------------------
@pytest.mark.parametrize("scope", ["https://purl.imsglobal.org/spec/lti-ags/scope/score", "", "unknown other"])
def test_no_registered_scope_left_is_invalid_scope(tool, scope):
    assert_oauth_error(token_request(tool, scope=scope), "invalid_scope")
    assert_oauth_error(token_request(tool, drop=("scope",)), "invalid_scope")


def test_requested_scopes_are_intersected_with_the_registration(tool):
    response = token_request(tool, scope=f"https://purl.imsglobal.org/spec/lti-ags/scope/score {ACS_SCOPE}")
    assert response.status_code == 200 and response.json()["scope"] == ACS_SCOPE


# --- the token is bound to its registration -------------------------------------------------------------------
def test_acs_refuses_a_token_of_another_registration_even_with_the_same_client_id(tool, other_acs_tool, attempt):
    started = move_to(attempt, "started")
    from lti_consumer.models import LtiConfiguration

    LtiConfiguration.objects.filter(pk=other_acs_tool.config.pk).update(lti_1p3_client_id=tool.config.lti_1p3_client_id)
    other_acs_tool.config.refresh_from_db()
    token = other_acs_tool.access_token()
    response = tool.post(control_body(started, "pause"), token=token)
    assert response.status_code == 403, response.content
    assert not ExamAttempt.objects.get(pk=started.pk).is_paused
