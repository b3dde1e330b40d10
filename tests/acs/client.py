"""A tool-side ACS client, as a proctoring vendor runs it: client_credentials token with a JWT client assertion
signed by the tool's key (1EdTech Security Framework), then ACS requests with the bearer token."""

import json
import time
import uuid
from urllib.parse import urlencode

import jwt
from django.test import Client
from django.urls import reverse

from lti.services.access_tokens import ACS_SCOPE
from tests.lti.tool import pem

VENDOR_MEDIA_TYPE = "application/vnd.ims.lti-ap.v1.control+json"


class AcsTool:
    def __init__(self, *, config, key, http: Client | None = None, issuer: str = "http://testserver"):
        self.config, self.key, self.issuer = config, key, issuer
        self.http = http or Client()
        self.token_path = reverse("lti_consumer:lti_consumer.access_token", kwargs={"lti_config_id": config.config_id})
        self.acs_path = f"/lti/{config.pk}/acs"

    def client_assertion(self, **tamper) -> str:
        now = int(time.time())
        claims = {
            "iss": self.config.lti_1p3_client_id,
            "sub": self.config.lti_1p3_client_id,
            "aud": self.issuer + self.token_path,
            "iat": now,
            "exp": now + 60,
            "jti": uuid.uuid4().hex,
            **tamper,
        }
        return jwt.encode(claims, pem(self.key, True), algorithm="RS256", headers={"kid": "tool-key"})

    def token_response(self, scope: str = ACS_SCOPE):
        form = {
            "grant_type": "client_credentials",
            "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
            "client_assertion": self.client_assertion(),
            "scope": scope,
        }
        return self.http.post(self.token_path, urlencode(form), content_type="application/x-www-form-urlencoded")

    def access_token(self, scope: str = ACS_SCOPE) -> str:
        response = self.token_response(scope)
        assert response.status_code == 200, response.content
        return response.json()["access_token"]

    def post(self, body, *, token: str | None = None, media_type: str = "application/json", path=None, raw=None):
        """POST an ACS request; `token=""` sends no Authorization header."""
        token = self.access_token() if token is None else token
        headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
        data = raw if raw is not None else json.dumps(body)
        return self.http.post(path or self.acs_path, data=data, content_type=media_type, **headers)


def control_body(attempt, action: str, **fields) -> dict:
    """An ACS request about `attempt` (spec §2.3); fields override or, with None, drop keys."""
    body = {
        "user": {"iss": "http://testserver", "sub": str(attempt.user.anonymous_user_id)},
        "resource_link": {"id": attempt.exam.resource_id},
        "attempt_number": attempt.attempt_number,
        "action": action,
        "incident_time": "2026-05-01T10:00:00Z",
        "incident_severity": 0.1,
    }
    if action == "terminate":
        body["reason_code"] = "1"
    body.update(fields)
    return {k: v for k, v in body.items() if v is not None}
