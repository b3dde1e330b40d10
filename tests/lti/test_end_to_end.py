"""The whole proctored exam through real HTTP: platform (live server) ↔ browser ↔ pylti1p3 tool."""

import jwt
import pytest
import requests

from exams.models import ExamAttempt
from tests.conftest import auth_header
from tests.lti.tool import LTI, LTI_AP

REQUIRED_START_CLAIMS = [
    "iss",
    "aud",
    "sub",
    "exp",
    "iat",
    "nonce",
    LTI + "message_type",
    LTI + "version",
    LTI + "deployment_id",
    LTI + "target_link_uri",
    LTI + "resource_link",
    LTI + "roles",
    LTI_AP + "attempt_number",
    LTI_AP + "start_assessment_url",
    LTI_AP + "session_data",
]


def status_of(attempt):
    return ExamAttempt.objects.get(pk=attempt.pk).status


def start_proctoring(browser, platform, attempt, learner):
    return browser.go(
        f"{platform.url}/lti/start_proctoring/{attempt.pk}", headers={"Authorization": auth_header(learner)}
    )


def test_proctored_exam_end_to_end(platform, tool, browser, attempt, learner, proctored_exam):
    # 1-3: start proctoring → tool OIDC login → our launch gate → id_token form-posted to the tool
    page = start_proctoring(browser, platform, attempt, learner)
    assert tool.errors == []
    launch = tool.launches[0]
    body, header = launch["body"], launch["header"]
    for claim in REQUIRED_START_CLAIMS:
        assert claim in body, claim
    assert body[LTI + "message_type"] == "LtiStartProctoring"
    assert body["iss"] == platform.url and body["aud"] == tool.platform["client_id"]
    assert body["sub"] == str(learner.anonymous_user_id)
    assert body[LTI + "deployment_id"] == "1"
    assert body[LTI + "target_link_uri"] == f"{tool.url}/launch"
    assert body[LTI + "resource_link"]["id"] == proctored_exam.resource_id
    assert body[LTI + "roles"] == []
    assert body[LTI + "context"]["id"] == proctored_exam.course_id
    assert body[LTI_AP + "attempt_number"] == attempt.attempt_number
    assert body[LTI_AP + "start_assessment_url"] == f"{platform.url}/lti/lti_consumer/v1/start_proctoring_assessment"
    assert len(body[LTI_AP + "session_data"]) >= 32
    assert body[LTI_AP + "acs"] == {
        "assessment_control_url": f"{platform.url}/lti/{tool.lti_config.pk}/acs",
        "actions": ["flag", "terminate", "pause", "resume", "update"],
    }
    # the id_token verifies against the platform JWKS, audience included (pylti1p3 skips aud)
    jwks = requests.get(tool.platform["jwks_url"], timeout=5).json()
    jwk = next(k for k in jwks["keys"] if k["kid"] == header["kid"])
    assert jwk["alg"] == "RS256" and jwk["use"] == "sig"
    key = jwt.algorithms.RSAAlgorithm.from_jwk(jwk)
    jwt.decode(launch["id_token"], key, algorithms=["RS256"], audience=tool.platform["client_id"], issuer=platform.url)

    # 4-5: the tool's LtiStartAssessment reached the platform with the learner's session → ready_to_start
    assert page.status_code == 200 and "back to your exam" in page.text
    assert status_of(attempt) == "ready_to_start"

    # 6: the learner starts the exam through the REST API
    api = {"Authorization": auth_header(learner)}
    response = requests.put(
        f"{platform.url}/api/v1/exams/attempt/{attempt.pk}", json={"action": "start"}, headers=api, timeout=5
    )
    assert response.status_code == 200, response.text
    assert status_of(attempt) == "started"

    # 7: end assessment → submitted, and an LtiEndAssessment launch because the tool asked for it
    browser.go(f"{platform.url}/lti/end_assessment/{attempt.pk}", headers=api)
    assert status_of(attempt) == "submitted"
    assert tool.errors == []
    end = tool.launches[-1]["body"]
    assert end[LTI + "message_type"] == "LtiEndAssessment"
    assert end[LTI_AP + "attempt_number"] == attempt.attempt_number
    assert end[LTI + "resource_link"]["id"] == proctored_exam.resource_id
    assert browser.hops[-1] == (
        "LEFT",
        f"http://test.learning:2000/course/{proctored_exam.course_id}/{proctored_exam.content_id}",
    )


def test_end_assessment_without_return_request_goes_to_the_exam(platform, tool, browser, attempt, learner):
    tool.end_assessment_return = False
    start_proctoring(browser, platform, attempt, learner)
    assert status_of(attempt) == "ready_to_start"
    launches = len(tool.launches)
    browser.go(f"{platform.url}/lti/end_assessment/{attempt.pk}", headers={"Authorization": auth_header(learner)})
    assert status_of(attempt) == "submitted"
    assert len(tool.launches) == launches
    assert browser.hops[-1][0] == "LEFT" and browser.hops[-1][1].startswith("http://test.learning:2000/course/")


def test_replayed_start_assessment_is_refused(platform, tool, browser, attempt, learner):
    start_proctoring(browser, platform, attempt, learner)
    url, form = browser.posts[-1]
    assert "JWT" in form
    response = browser.http.post(url, data=form, timeout=5)
    assert response.status_code == 400
    assert "already used" in response.json()["detail"]


@pytest.mark.parametrize(
    ("tamper", "message"),
    [
        ({LTI + "deployment_id": "2"}, "deployment_id"),
        ({"aud": "https://other-platform.example"}, "audience"),
        ({LTI_AP + "session_data": "forged"}, "session_data"),
        ({LTI_AP + "attempt_number": 99}, "attempt_number"),
    ],
)
def test_tampered_start_assessment_over_http_changes_nothing(
    platform, tool, browser, attempt, learner, tamper, message
):
    tool.tamper = tamper
    page = start_proctoring(browser, platform, attempt, learner)
    assert page.status_code == 400
    assert message in page.json()["detail"].lower()
    assert status_of(attempt) == "download_software_clicked"
