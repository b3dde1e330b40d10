"""The browser pages of a first run: `/`, the local-only sign-in `/dev/login/<username>`, HTML error pages."""

import io

import jwt
import pytest
from django.core.management import call_command

from exams.services.demo_data import DEMO_PROCTORED_CONTENT_ID

PAYLOAD, SIGNATURE = "edx-jwt-cookie-header-payload", "edx-jwt-cookie-signature"


@pytest.fixture
def demo(db, settings):
    settings.DEV_TOOLS_ENABLED = True
    out = io.StringIO()
    call_command("load_demo_data", stdout=out)
    return out.getvalue()


def test_start_page_links_docs_admin_and_dashboard_without_a_url_list(client, demo):
    from exams.models import Exam

    exam = Exam.objects.get(content_id=DEMO_PROCTORED_CONTENT_ID)
    page = client.get("/")
    body = page.content.decode()
    assert page.status_code == 200 and page["Content-Type"].startswith("text/html")
    assert 'href="/api-docs/"' in body and 'href="/admin/"' in body
    assert f"/dev/login/course_staff?next=/monitoring/exams/{exam.pk}/" in body
    assert "URLconf" not in body


def test_load_demo_data_prints_the_exam_ids_and_the_dashboard_sign_in(demo):
    from exams.models import Exam

    exam = Exam.objects.get(content_id=DEMO_PROCTORED_CONTENT_ID)
    assert f"proctored exam id {exam.pk}" in demo
    assert f"/dev/login/course_staff?next=/monitoring/exams/{exam.pk}/" in demo
    assert "timed_learner" in demo  # the quick try's own learner


def test_dev_login_sets_the_jwt_cookie_pair_and_opens_the_dashboard(client, demo):
    from exams.models import Exam

    exam = Exam.objects.get(content_id=DEMO_PROCTORED_CONTENT_ID)
    dashboard = f"/monitoring/exams/{exam.pk}/"
    assert client.get(dashboard).status_code == 401
    response = client.get(f"/dev/login/course_staff?next={dashboard}")
    assert response.status_code == 302 and response["Location"] == dashboard
    assert response.cookies[SIGNATURE]["httponly"] and not response.cookies[PAYLOAD]["httponly"]
    token = f"{response.cookies[PAYLOAD].value}.{response.cookies[SIGNATURE].value}"
    assert jwt.decode(token, options={"verify_signature": False})["preferred_username"] == "course_staff"
    assert client.get(dashboard).status_code == 200


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", "javascript:alert(1)"])
def test_dev_login_only_redirects_to_local_paths(client, demo, target):
    response = client.get("/dev/login/learner", {"next": target})
    assert response.status_code == 302 and response["Location"] == "/"


def test_dev_login_is_404_without_dev_tools(client, demo, settings):
    settings.DEV_TOOLS_ENABLED = False
    response = client.get("/dev/login/admin")
    assert response.status_code == 404 and PAYLOAD not in response.cookies


def test_dev_login_of_an_unknown_user_is_an_html_page_with_next_steps(client, demo):
    page = client.get("/dev/login/nobody")
    assert page.status_code == 404 and page["Content-Type"].startswith("text/html")
    assert 'href="/dev/login/course_staff"' in page.content.decode()


def test_dashboard_errors_are_html_pages_that_say_what_to_do(client, demo):
    from exams.models import Exam

    url = f"/monitoring/exams/{Exam.objects.get(content_id=DEMO_PROCTORED_CONTENT_ID).pk}/"
    page = client.get(url)
    body = page.content.decode()
    assert page.status_code == 401 and page["Content-Type"].startswith("text/html")
    assert f'href="/dev/login/course_staff?next={url}"' in body
    client.get("/dev/login/learner")
    page = client.get(url)
    assert page.status_code == 403 and "is not course staff" in page.content.decode()
