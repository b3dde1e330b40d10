"""`GET /lti/start_proctoring/<id>` and `GET /lti/end_assessment/<id>` change an attempt: they are honoured for a
top-level navigation from this site or a trusted origin (the learning MFE), never for a request another site's
page makes with the learner's cookies (Fetch Metadata, then Origin/Referer). Headers are those browsers send."""

import pytest
from django.test import Client

from exams.api import LMS_SESSION_BACKEND
from exams.models import ExamAttempt
from tests.acs.conftest import move_to

pytestmark = pytest.mark.django_db

MFE = "http://test.learning:2000"
EVIL = "https://evil.example"

MFE_LINK = {  # the learning MFE (another origin) opens the link in a tab
    "HTTP_SEC_FETCH_SITE": "cross-site",
    "HTTP_SEC_FETCH_MODE": "navigate",
    "HTTP_SEC_FETCH_DEST": "document",
    "HTTP_SEC_FETCH_USER": "?1",
    "HTTP_REFERER": f"{MFE}/",
}
SAME_ORIGIN_LINK = {  # e.g. the demo tool page, or a redirect inside this service
    "HTTP_SEC_FETCH_SITE": "same-origin",
    "HTTP_SEC_FETCH_MODE": "navigate",
    "HTTP_SEC_FETCH_DEST": "document",
}
CROSS_SITE = {
    "img": {
        "HTTP_SEC_FETCH_SITE": "cross-site",
        "HTTP_SEC_FETCH_MODE": "no-cors",
        "HTTP_SEC_FETCH_DEST": "image",
        "HTTP_REFERER": f"{EVIL}/",
    },
    "form": {  # <form method=get action=...> auto-submitted: a real navigation, from the attacker's page
        "HTTP_SEC_FETCH_SITE": "cross-site",
        "HTTP_SEC_FETCH_MODE": "navigate",
        "HTTP_SEC_FETCH_DEST": "document",
        "HTTP_REFERER": f"{EVIL}/",
    },
    "form_without_referrer": {  # the same with referrerpolicy="no-referrer"
        "HTTP_SEC_FETCH_SITE": "cross-site",
        "HTTP_SEC_FETCH_MODE": "navigate",
        "HTTP_SEC_FETCH_DEST": "document",
    },
    "fetch": {
        "HTTP_SEC_FETCH_SITE": "cross-site",
        "HTTP_SEC_FETCH_MODE": "no-cors",
        "HTTP_SEC_FETCH_DEST": "empty",
        "HTTP_ORIGIN": EVIL,
        "HTTP_REFERER": f"{EVIL}/",
    },
    "iframe": {
        "HTTP_SEC_FETCH_SITE": "cross-site",
        "HTTP_SEC_FETCH_MODE": "navigate",
        "HTTP_SEC_FETCH_DEST": "iframe",
        "HTTP_REFERER": f"{EVIL}/",
    },
    "trusted_origin_fetch": {  # even the MFE may not change state with a subresource request
        "HTTP_SEC_FETCH_SITE": "cross-site",
        "HTTP_SEC_FETCH_MODE": "cors",
        "HTTP_SEC_FETCH_DEST": "empty",
        "HTTP_ORIGIN": MFE,
    },
    "img_old_browser": {"HTTP_REFERER": f"{EVIL}/page"},  # no Fetch Metadata: judged by Referer
    "null_origin": {"HTTP_ORIGIN": "null"},
}


def session_client(user) -> Client:
    """A browser carrying only the learner's platform session cookie (what a cross-site request carries)."""
    client = Client()
    client.force_login(user, backend=LMS_SESSION_BACKEND)
    return client


def status(attempt) -> str:
    return ExamAttempt.objects.get(pk=attempt.pk).status


@pytest.mark.parametrize("kind", sorted(CROSS_SITE))
def test_a_cross_site_request_cannot_end_an_exam(pem_config, attempt, learner, kind):
    started = move_to(attempt, "started")
    response = session_client(learner).get(f"/lti/end_assessment/{started.pk}", **CROSS_SITE[kind])
    assert response.status_code == 403, (kind, response.status_code)
    assert response["Content-Type"].startswith("text/html")
    assert status(started) == "started"


@pytest.mark.parametrize("kind", sorted(CROSS_SITE))
def test_a_cross_site_request_cannot_start_proctoring(pem_config, attempt, learner, kind):
    response = session_client(learner).get(f"/lti/start_proctoring/{attempt.pk}", **CROSS_SITE[kind])
    assert response.status_code == 403, (kind, response.status_code)
    assert status(attempt) == "created"


@pytest.mark.parametrize("headers", [MFE_LINK, SAME_ORIGIN_LINK], ids=["mfe_link", "same_origin_link"])
def test_the_mfe_and_same_origin_navigations_pass(pem_config, attempt, learner, headers):
    client = session_client(learner)
    response = client.get(f"/lti/start_proctoring/{attempt.pk}", **headers)
    assert response.status_code == 302, response.content
    assert status(attempt) == "download_software_clicked"
    started = move_to(attempt, "started")
    response = client.get(f"/lti/end_assessment/{started.pk}", **headers)
    assert response.status_code in (200, 302), response.content
    assert status(started) == "submitted"


def test_a_typed_url_passes(pem_config, attempt, learner):
    headers = {"HTTP_SEC_FETCH_SITE": "none", "HTTP_SEC_FETCH_MODE": "navigate", "HTTP_SEC_FETCH_DEST": "document"}
    assert session_client(learner).get(f"/lti/start_proctoring/{attempt.pk}", **headers).status_code == 302


def test_a_configured_trusted_origin_passes(pem_config, attempt, learner, settings):
    settings.CROSS_SITE_TRUSTED_ORIGINS = ["https://courses.partner.example"]
    headers = {**MFE_LINK, "HTTP_REFERER": "https://courses.partner.example/course/x"}
    assert session_client(learner).get(f"/lti/start_proctoring/{attempt.pk}", **headers).status_code == 302
