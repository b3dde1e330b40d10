"""Registering a tool (command, admin) and the platform keys (JWKS with alg/use, rotation overlap)."""

from io import StringIO
from urllib.parse import urlencode

import jwt
import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from lti_consumer.models import LtiConfiguration

from exams.models import ProctoringProvider
from lti.models import PlatformKey
from lti.services import keys
from tests.lti.helpers import GATE, auth_request, start
from tests.lti.tool import new_rsa_key, pem

pytestmark = pytest.mark.django_db


def test_register_lti_tool_command_prints_vendor_values(tmp_path, settings):
    settings.LTI_API_BASE = "https://exams.example"
    key_file = tmp_path / "tool.pem"
    key_file.write_text(pem(new_rsa_key(), False))
    out = StringIO()
    call_command(
        "register_lti_tool",
        "acme",
        "--oidc-url",
        "https://acme.example/login",
        "--launch-url",
        "https://acme.example/launch",
        "--public-key-file",
        str(key_file),
        stdout=out,
    )
    provider = ProctoringProvider.objects.get(name="acme")
    config = LtiConfiguration.objects.get(pk=int(provider.lti_configuration_id))
    assert config.lti_1p3_proctoring_enabled and config.config_store == "CONFIG_ON_DB"
    assert config.lti_1p3_redirect_uris == ["https://acme.example/launch"]
    text = out.getvalue()
    for expected in [
        "issuer          https://exams.example",
        f"client_id       {config.lti_1p3_client_id}",
        "deployment_id   1",
        "auth_login_url  https://exams.example/lti/lti_consumer/v1/launch/",
        f"jwks_url        https://exams.example/lti/lti_consumer/v1/public_keysets/{config.config_id}",
        f"token_url       https://exams.example/lti/lti_consumer/v1/token/{config.config_id}",
        f"acs_url         https://exams.example/lti/{config.pk}/acs",
    ]:
        assert expected in text


@pytest.mark.parametrize(
    "args",
    [
        ["--oidc-url", "not a url", "--launch-url", "https://a.example/l", "--jwks-url", "https://a.example/j"],
        ["--oidc-url", "https://a.example/o", "--launch-url", "https://a.example/l"],
        [
            "--oidc-url",
            "https://a.example/o",
            "--launch-url",
            "https://a.example/l",
            "--jwks-url",
            "https://a.example/j",
            "--redirect-uri",
            "javascript:alert(1)",
        ],
    ],
)
def test_register_lti_tool_rejects_bad_input(args):
    with pytest.raises(CommandError):
        call_command("register_lti_tool", "bad", *args, stdout=StringIO())
    assert not LtiConfiguration.objects.exists()


def test_admin_registration_shows_vendor_values(site_admin, proctored_exam):
    client = Client()
    client.force_login(site_admin)
    response = client.post(
        "/admin/lti_consumer/lticonfiguration/add/",
        {
            "provider": proctored_exam.provider.pk,
            "lti_1p3_oidc_url": "https://tool.example/login",
            "lti_1p3_launch_url": "https://tool.example/launch",
            "lti_1p3_redirect_uris": "[]",
            "lti_1p3_tool_keyset_url": "https://tool.example/jwks",
            "lti_1p3_tool_public_key": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    config = LtiConfiguration.objects.get()
    proctored_exam.provider.refresh_from_db()
    assert proctored_exam.provider.lti_configuration_id == str(config.pk)
    page = client.get(f"/admin/lti_consumer/lticonfiguration/{config.pk}/change/").content.decode()
    assert config.lti_1p3_client_id in page and "/lti_consumer/v1/token/" in page and "acs" in page
    bad = client.post(
        "/admin/lti_consumer/lticonfiguration/add/",
        {"lti_1p3_oidc_url": "x", "lti_1p3_launch_url": "y", "lti_1p3_redirect_uris": "[]"},
    )
    assert bad.status_code == 200 and LtiConfiguration.objects.count() == 1


def test_jwks_has_alg_and_use_and_404_for_unknown_config(pem_config):
    client = Client()
    jwks = client.get(f"/lti/lti_consumer/v1/public_keysets/{pem_config.config_id}").json()
    assert [k["alg"] for k in jwks["keys"]] == ["RS256"] and jwks["keys"][0]["use"] == "sig"
    assert client.get("/lti/lti_consumer/v1/public_keysets/00000000-0000-0000-0000-000000000000").status_code == 404


def test_rotation_keeps_the_previous_key_published(pem_config, attempt, learner):
    client = Client()
    response = client.get(GATE, auth_request(pem_config, start(client, attempt, learner)))
    token = response.content.decode().split('name="id_token" value="')[1].split('"')[0]
    old_kid = jwt.get_unverified_header(token)["kid"]
    out = StringIO()
    call_command("rotate_lti_keys", stdout=out)
    new_kid = keys.current_key().kid
    assert new_kid != old_kid and new_kid in out.getvalue()
    jwks = client.get(f"/lti/lti_consumer/v1/public_keysets/{pem_config.config_id}").json()
    assert [k["kid"] for k in jwks["keys"]] == [new_kid, old_kid]
    old = next(k for k in jwks["keys"] if k["kid"] == old_kid)
    jwt.decode(
        token, jwt.algorithms.RSAAlgorithm.from_jwk(old), algorithms=["RS256"], audience=pem_config.lti_1p3_client_id
    )
    pem_config.refresh_from_db()
    assert pem_config.lti_1p3_internal_private_key_id == new_kid  # the library's token endpoint signs with it
    call_command("rotate_lti_keys", stdout=StringIO())
    assert PlatformKey.objects.count() == 2
    kids = [k["kid"] for k in client.get(f"/lti/lti_consumer/v1/public_keysets/{pem_config.config_id}").json()["keys"]]
    assert old_kid not in kids and new_kid in kids


def test_library_token_endpoint_issues_acs_scope(pem_config, tool_key):
    import time
    import uuid

    token_url = f"/lti/lti_consumer/v1/token/{pem_config.config_id}"
    assertion = jwt.encode(
        {
            "iss": pem_config.lti_1p3_client_id,
            "sub": pem_config.lti_1p3_client_id,
            "aud": f"http://testserver{token_url}",
            "iat": int(time.time()),
            "exp": int(time.time()) + 60,
            "jti": uuid.uuid4().hex,
        },
        pem(tool_key, True),
        algorithm="RS256",
    )
    scope = "https://purl.imsglobal.org/spec/lti-ap/scope/control.all"
    response = Client().post(
        token_url,
        content_type="application/x-www-form-urlencoded",
        data=urlencode(
            {
                "grant_type": "client_credentials",
                "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
                "client_assertion": assertion,
                "scope": scope,
            }
        ),
    )
    assert response.status_code == 200, response.content
    assert response.json()["scope"] == scope
