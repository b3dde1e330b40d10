"""Only the lti_consumer routes the service uses are mounted, with anchored patterns; the rest is 404."""

import uuid

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

UNUSED_LIBRARY_ROUTES = [
    ("post", "/lti/lti_consumer/v1/lti/{id}/lti-dl/response"),
    ("get", "/lti/lti_consumer/v1/lti/{id}/lti-dl/content"),
    ("get", "/lti/lti_consumer/v1/lti/{id}/lti-ags"),
    ("get", "/lti/lti_consumer/v1/lti/{id}/memberships"),
    ("post", "/lti/lti_consumer/v1/token/block-v1:edX+DemoX+Demo_Course+type@lti_consumer+block@x"),
    ("post", "/lti/lti_consumer/v1/token/someapp/someslug"),
    ("get", "/lti/lti_consumer/v1/public_keysets/block-v1:edX+DemoX+Demo_Course+type@lti_consumer+block@x"),
    ("get", "/lti/lti_consumer/v1/public_keysets/someapp/someslug"),
    # unanchored library regexes matched anywhere in the path
    ("post", "/lti/anything/lti_consumer/v1/lti/{id}/lti-dl/response"),
    ("post", "/lti/x/lti_consumer/v1/start_proctoring_assessment"),
    ("get", "/lti/xlti_consumer/v1/launch/"),
]


@pytest.mark.parametrize(("method", "path"), UNUSED_LIBRARY_ROUTES)
def test_unused_library_routes_are_not_mounted(method, path):
    response = getattr(Client(), method)(path.format(id=uuid.uuid4()))
    assert response.status_code == 404, (path, response.status_code)


def test_the_routes_we_use_are_mounted(pem_config):
    client = Client()
    assert client.get(f"/lti/lti_consumer/v1/public_keysets/{pem_config.config_id}").status_code == 200
    token = client.post(f"/lti/lti_consumer/v1/token/{pem_config.config_id}", "", content_type="text/plain")
    assert token.status_code == 400 and token.json()["error"] == "invalid_request"
    assert client.get("/lti/lti_consumer/v1/launch/").status_code == 400
    assert client.post("/lti/lti_consumer/v1/start_proctoring_assessment").status_code == 400
    assert client.post(f"/lti/{pem_config.pk}/acs").status_code == 401
