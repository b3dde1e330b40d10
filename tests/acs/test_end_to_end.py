"""A vendor's view over real HTTP: the pylti1p3 tool (tests/lti/tool.py) launched by the platform on a loopback
live server gets its access token with pylti1p3's own ServiceConnector (client_credentials + JWT client assertion
signed with the tool's key, tool keys fetched from its JWKS URL) and drives the ACS URL of the launch's `acs` claim."""

import json
from io import StringIO

import requests
from django.core.management import call_command
from pylti1p3.service_connector import ServiceConnector

from exams.models import AttemptReview, ExamAttempt
from lti.services.access_tokens import ACS_SCOPE
from tests.acs.client import VENDOR_MEDIA_TYPE
from tests.conftest import auth_header
from tests.lti import conftest as lti_fixtures
from tests.lti.tool import LTI, LTI_AP

platform, tool, browser, attempt = lti_fixtures.platform, lti_fixtures.tool, lti_fixtures.browser, lti_fixtures.attempt


def status_of(attempt):
    return ExamAttempt.objects.get(pk=attempt.pk)


def acs(connector: ServiceConnector, url: str, body: dict) -> dict:
    """One ACS request the way the tool's library sends service requests; the parsed answer."""
    answer = connector.make_service_request(
        [ACS_SCOPE], url, is_post=True, data=json.dumps(body), content_type=VENDOR_MEDIA_TYPE, accept=VENDOR_MEDIA_TYPE
    )
    assert answer["headers"]["Content-Type"] == VENDOR_MEDIA_TYPE
    return answer["body"]


def test_vendor_controls_the_exam_through_acs(platform, tool, browser, attempt, learner):
    api = {"Authorization": auth_header(learner)}
    browser.go(f"{platform.url}/lti/start_proctoring/{attempt.pk}", headers=api)
    assert tool.errors == [] and status_of(attempt).status == "ready_to_start"
    launch = tool.launches[0]["body"]
    acs_claim = launch[LTI_AP + "acs"]
    assert acs_claim["actions"] == ["flag", "terminate", "pause", "resume", "update"]
    url = acs_claim["assessment_control_url"]
    started = requests.put(
        f"{platform.url}/api/v1/exams/attempt/{attempt.pk}", json={"action": "start"}, headers=api, timeout=5
    )
    assert started.status_code == 200, started.text

    registration = tool.config.find_registration_by_params(tool.platform["issuer"], tool.platform["client_id"])
    connector = ServiceConnector(registration)
    base = {
        "user": {"iss": launch["iss"], "sub": launch["sub"]},
        "resource_link": {"id": launch[LTI + "resource_link"]["id"]},
        "attempt_number": launch[LTI_AP + "attempt_number"],
        "incident_severity": 0.0,
    }
    assert acs(connector, url, {**base, "action": "pause", "incident_time": "2026-05-01T10:00:00Z"}) == {
        "status": "paused"
    }
    assert status_of(attempt).is_paused
    learner_view = requests.get(f"{platform.url}/api/v1/exams/attempt/latest", headers=api, timeout=5).json()
    assert learner_view["is_paused"] is True

    resumed = acs(
        connector, url, {**base, "action": "resume", "incident_time": "2026-05-01T10:03:00Z", "extra_time": 180}
    )
    assert resumed == {"status": "running", "extra_time": 180}
    assert not status_of(attempt).is_paused and status_of(attempt).allowed_time_limit_mins == 63

    # a key rotation while the vendor holds its token: the cached token keeps working
    call_command("rotate_lti_keys", stdout=StringIO())
    flagged = acs(
        connector,
        url,
        {**base, "action": "flag", "incident_time": "2026-05-01T10:10:00Z", "incident_severity": 0.6, "reason_code": 5},
    )
    assert flagged == {"status": "running"}

    browser.go(f"{platform.url}/lti/end_assessment/{attempt.pk}", headers=api)
    assert status_of(attempt).status == "submitted"
    fresh = ServiceConnector(registration)  # a new token, signed with the new key
    terminate = {**base, "action": "terminate", "incident_time": "2026-05-01T10:40:00Z", "reason_code": "1"}
    assert acs(fresh, url, {**terminate, "incident_severity": 0.3}) == {"status": "terminated"}
    assert status_of(attempt).status == "second_review_required"
    assert [r.action_type for r in AttemptReview.objects.filter(attempt=attempt)] == [
        "pause",
        "resume",
        "flag",
        "terminate",
    ]
