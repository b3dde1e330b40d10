"""A tool's JWKS URL is an outgoing URL given by a client: http(s), public addresses, no redirects."""

import pytest
from lti_consumer.models import LtiConfiguration

from lti.errors import LtiError
from lti.services.tool_keys import tool_key_for

pytestmark = pytest.mark.django_db


def with_keyset_url(config, url):
    LtiConfiguration.objects.filter(pk=config.pk).update(lti_1p3_tool_keyset_url=url, lti_1p3_tool_public_key="")
    config.refresh_from_db()
    return config


def test_a_loopback_jwks_url_is_not_fetched_in_production(pem_config, settings, httpserver):
    settings.OUTGOING_URLS_ALLOW_PRIVATE_ADDRESSES = False
    httpserver.expect_request("/jwks").respond_with_json({"keys": []})
    with pytest.raises(LtiError):
        tool_key_for(with_keyset_url(pem_config, httpserver.url_for("/jwks")), "kid")
    assert httpserver.log == []


@pytest.mark.parametrize("url", ["file:///etc/passwd", "gopher://127.0.0.1:6379/_x", "http://user:pw@tool.example/"])
def test_non_http_jwks_urls_are_refused(pem_config, url):
    with pytest.raises(LtiError):
        tool_key_for(with_keyset_url(pem_config, url), "kid")


def test_a_redirecting_jwks_url_is_not_followed(pem_config, httpserver):
    httpserver.expect_request("/jwks").respond_with_data("", status=302, headers={"Location": "/elsewhere"})
    httpserver.expect_request("/elsewhere").respond_with_json({"keys": []})
    with pytest.raises(LtiError):
        tool_key_for(with_keyset_url(pem_config, httpserver.url_for("/jwks")), "kid")
    assert [request.path for request, _ in httpserver.log] == ["/jwks"]
