"""The token endpoint end to end with pylti1p3's own ServiceConnector: the tool (tests/lti/tool.py, keys published
at its JWKS URL on loopback) authenticates with an RFC 7523 client assertion over real HTTP."""

import jwt
import pytest
from pylti1p3.exception import LtiServiceException
from pylti1p3.service_connector import ServiceConnector

from lti.services.access_tokens import ACS_SCOPE, decode_access_token
from tests.lti import conftest as lti_fixtures

platform, tool = lti_fixtures.platform, lti_fixtures.tool


def connector(tool) -> ServiceConnector:
    registration = tool.config.find_registration_by_params(tool.platform["issuer"], tool.platform["client_id"])
    return ServiceConnector(registration)


def test_service_connector_gets_an_acs_token_bound_to_its_registration(platform, tool):
    token = connector(tool).get_access_token([ACS_SCOPE])
    claims = decode_access_token(token)
    assert claims["scopes"] == ACS_SCOPE and claims["sub"] == tool.platform["client_id"]
    assert claims["registration"] == str(tool.lti_config.config_id)
    assert jwt.get_unverified_header(token)["kid"]
    # a second connector signs a new assertion (new jti): a second token, not a replay refusal
    assert connector(tool).get_access_token([ACS_SCOPE])


def test_service_connector_is_refused_a_scope_the_registration_lacks(platform, tool):
    with pytest.raises(LtiServiceException) as refused:
        connector(tool).get_access_token(["https://purl.imsglobal.org/spec/lti-ags/scope/score"])
    assert "invalid_scope" in str(refused.value)


def test_service_connector_signing_with_another_key_is_refused(platform, tool):
    from tests.lti.tool import new_rsa_key, pem

    tool.config.set_private_key(tool.platform["issuer"], pem(new_rsa_key(), True), client_id=tool.platform["client_id"])
    with pytest.raises(LtiServiceException) as refused:
        connector(tool).get_access_token([ACS_SCOPE])
    assert "invalid_client" in str(refused.value)
