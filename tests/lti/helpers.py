"""Driving the platform with Django's test client: start proctoring, answer the OIDC login, post a start JWT."""

import re
import uuid
from urllib.parse import parse_qs, urlparse

import jwt
from django.test import Client

from tests.conftest import auth_header
from tests.lti.tool import pem, start_assessment_claims

GATE = "/lti/lti_consumer/v1/launch/"
START_ASSESSMENT = "/lti/lti_consumer/v1/start_proctoring_assessment"


def start(client: Client, attempt, user) -> dict:
    """GET start_proctoring; the tool-login query parameters the platform sent."""
    response = client.get(f"/lti/start_proctoring/{attempt.pk}", HTTP_AUTHORIZATION=auth_header(user))
    assert response.status_code == 302, response.content
    return {k: v[0] for k, v in parse_qs(urlparse(response["Location"]).query).items()}


def auth_request(config, login: dict, **overrides) -> dict:
    params = {
        "scope": "openid",
        "response_type": "id_token",
        "response_mode": "form_post",
        "prompt": "none",
        "client_id": config.lti_1p3_client_id,
        "redirect_uri": config.lti_1p3_launch_url,
        "state": uuid.uuid4().hex,
        "nonce": uuid.uuid4().hex,
        "login_hint": login["login_hint"],
        "lti_message_hint": login["lti_message_hint"],
    }
    params.update(overrides)
    return {k: v for k, v in params.items() if v is not None}


def id_token_of(response) -> dict:
    token = re.search(r'name="id_token" value="([^"]+)"', response.content.decode()).group(1)
    return jwt.decode(token, options={"verify_signature": False})


def start_jwt(key, config, launch: dict, issuer="http://testserver", kid="tool-key", **tamper) -> str:
    claims = start_assessment_claims(
        client_id=config.lti_1p3_client_id, issuer=issuer, launch=launch, end_assessment_return=True
    )
    claims.update(tamper)
    claims = {k: v for k, v in claims.items() if v is not None}
    return jwt.encode(claims, pem(key, True), algorithm="RS256", headers={"kid": kid})


def launched(client, config, attempt, user) -> dict:
    """Start proctoring and complete the OIDC login; the LtiStartProctoring id_token body."""
    response = client.get(GATE, auth_request(config, start(client, attempt, user)))
    assert response.status_code == 200, response.content
    return id_token_of(response)
