"""The local demo tool: `load_demo_data` registers it and a newcomer can take the demo proctored exam end to end."""

import re

from django.core.management import call_command

from exams.models import ExamAttempt, ProctoringProvider
from tests.lti.tool import Browser

STATUS = re.compile(r'status <b id="status">(\w+)')


def _csrf(html):
    return {"csrfmiddlewaretoken": re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)}


def test_demo_proctored_exam_end_to_end(platform, settings, tmp_path):
    settings.INSTALLED_APPS = [*settings.INSTALLED_APPS, "lti.demo_tool"]
    settings.DEV_TOOLS_ENABLED = True
    settings.ROOT_URLCONF = "lti.demo_tool.local_urls"
    settings.LTI_DEMO_TOOL_KEY_PATH = tmp_path / "demo_tool.pem"
    call_command("load_demo_data", stdout=open("/dev/null", "w"))
    provider = ProctoringProvider.objects.get(name="demo_proctoring")
    assert provider.lti_configuration_id

    home = f"{platform.url}/lti/demo_tool/"
    browser = Browser()
    page = browser.go(home)
    page = browser.go(home + "begin", method="POST", data=_csrf(page.text), headers={"Referer": home})
    assert "LtiStartProctoring received and validated" in page.text
    action, token = re.search(
        r'action="([^"]+)">\s*<input type="hidden" name="JWT" value="([^"]+)"', page.text
    ).groups()
    assert browser.go(action, method="POST", data={"JWT": token}).status_code == 200
    attempt = ExamAttempt.objects.get(user__username="learner")
    assert attempt.status == "ready_to_start"
    page = browser.go(home)
    page = browser.go(home + "start_exam", method="POST", data=_csrf(page.text), headers={"Referer": home})
    assert STATUS.search(page.text).group(1) == "started"
    page = browser.go(f"{platform.url}/lti/end_assessment/{attempt.pk}")
    assert "LtiEndAssessment received and validated" in page.text
    assert ExamAttempt.objects.get(pk=attempt.pk).status == "submitted"


def test_demo_tool_is_not_in_the_default_or_production_settings():
    import settings.base as base

    assert "lti.demo_tool" not in base.INSTALLED_APPS
    from django.urls import Resolver404, resolve

    try:
        resolve("/lti/demo_tool/")
    except Resolver404:
        pass
    else:
        raise AssertionError("the demo tool must not be routed outside settings/local.py")


def _start_proctoring(browser, home, page):
    """Steps 1 and the tool's "start the assessment": returns the "back to your exam" page."""
    page = browser.go(home + "begin", method="POST", data=_csrf(page.text), headers={"Referer": home})
    action, token = re.search(
        r'action="([^"]+)">\s*<input type="hidden" name="JWT" value="([^"]+)"', page.text
    ).groups()
    return browser.go(action, method="POST", data={"JWT": token})


def test_demo_blocked_by_another_attempt_says_so_in_html_and_reset_starts_over(platform, settings, tmp_path):
    settings.INSTALLED_APPS = [*settings.INSTALLED_APPS, "lti.demo_tool"]
    settings.DEV_TOOLS_ENABLED = True
    settings.ROOT_URLCONF = "lti.demo_tool.local_urls"
    settings.LTI_DEMO_TOOL_KEY_PATH = tmp_path / "demo_tool.pem"
    settings.LTI_EXAM_RETURN_URL = f"{platform.url}/lti/demo_tool/"
    call_command("load_demo_data", stdout=open("/dev/null", "w"))
    from exams.models import Exam, User
    from exams.services.attempts import create_attempt
    from exams.services.demo_data import DEMO_TIMED_CONTENT_ID

    learner = User.objects.get(username="learner")
    timed_exam = Exam.objects.get(content_id=DEMO_TIMED_CONTENT_ID)
    timed = create_attempt(user=learner, exam_id=timed_exam.pk, start_clock=True)

    home = f"{platform.url}/lti/demo_tool/"
    browser = Browser()
    page = _start_proctoring(browser, home, browser.go(home))
    assert f'url={home}"' in page.text  # "back to your exam" stays on the demo tool, not a learning MFE
    page = browser.go(home)
    page = browser.go(home + "start_exam", method="POST", data=_csrf(page.text), headers={"Referer": home})
    assert page.status_code == 400 and page.headers["Content-Type"].startswith("text/html")
    assert "another exam attempt is currently active" in page.text and 'id="reset-demo"' in page.text

    page = browser.go(home + "reset", method="POST", data=_csrf(page.text), headers={"Referer": home})
    assert 'id="reset-done"' in page.text and '<span id="status">none yet</span>' in page.text
    assert ExamAttempt.objects.get(pk=timed.pk).reset_at is not None

    _start_proctoring(browser, home, page)
    page = browser.go(home)
    page = browser.go(home + "start_exam", method="POST", data=_csrf(page.text), headers={"Referer": home})
    assert STATUS.search(page.text).group(1) == "started"
