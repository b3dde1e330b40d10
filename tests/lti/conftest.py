"""LTI fixtures: the platform on a loopback live server, an independent tool, a registered provider."""

import pytest
from pytest_django.live_server_helper import LiveServer

from exams.services.attempts import create_attempt
from lti.services.registration import register_tool, vendor_values
from tests.lti.tool import Browser, Tool, new_rsa_key, pem


@pytest.fixture
def platform(transactional_db, settings):
    server = LiveServer("127.0.0.1:0")
    settings.LTI_API_BASE = server.url
    yield server
    server.stop()


@pytest.fixture
def tool(platform, proctored_exam):
    tool = Tool().start()
    config = register_tool(
        provider_name=proctored_exam.provider.name,
        oidc_url=f"{tool.url}/login",
        launch_url=f"{tool.url}/launch",
        tool_keyset_url=f"{tool.url}/jwks",
    )
    tool.register(vendor_values(config))
    tool.lti_config = config
    yield tool
    tool.stop()


@pytest.fixture
def browser(platform):
    """Torn down before the platform: its keep-alive connection must not outlive the server's shared
    in-memory SQLite connection (the request thread would close it from another thread)."""
    browser = Browser()
    yield browser
    browser.http.close()


@pytest.fixture
def tool_key():
    return new_rsa_key()


@pytest.fixture
def pem_config(settings, proctored_exam, tool_key):
    """A registration by PEM (no network), for tests driven with Django's test client."""
    settings.LTI_API_BASE = "http://testserver"
    return register_tool(
        provider_name=proctored_exam.provider.name,
        oidc_url="https://tool.example/login",
        launch_url="https://tool.example/launch",
        redirect_uris=["https://tool.example/launch", "https://tool.example/launch2"],
        tool_public_key=pem(tool_key, False),
    )


@pytest.fixture
def attempt(learner, proctored_exam):
    return create_attempt(user=learner, exam_id=proctored_exam.pk, start_clock=False)


@pytest.fixture
def other_acs_tool(proctored_exam):
    """A second registration with its own key, as ACS clients see it."""
    from tests.acs.client import AcsTool

    key = new_rsa_key()
    config = register_tool(
        provider_name="other_vendor",
        oidc_url="https://other.example/login",
        launch_url="https://other.example/launch",
        tool_public_key=pem(key, False),
    )
    return AcsTool(config=config, key=key)
