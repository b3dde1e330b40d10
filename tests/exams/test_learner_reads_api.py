"""What the learner MFE polls: latest attempt, student exam, provider settings, onboarding."""

from datetime import timedelta
from decimal import Decimal
from urllib.parse import urlencode

import pytest
from django.utils import timezone

from exams import legacy
from exams import statuses as s
from exams.models import StudentAllowance
from tests.conftest import CONTENT_ID, COURSE_ID, TIMED_CONTENT_ID
from tests.exams.factories import attempt_in_status

LATEST = "/api/v1/exams/attempt/latest"


def student_exam_url(content_id, course_id=COURSE_ID):
    return f"/api/v1/student/exam/attempt/course_id/{course_id}/content_id/{content_id}"


def expected_attempt(attempt, exam):
    return {
        "attempt_id": attempt.pk,
        "attempt_status": attempt.status,
        "course_id": exam.course_id,
        "exam_type": exam.exam_type,
        "exam_display_name": exam.exam_name,
        "exam_url_path": f"http://test.learning:2000/course/{exam.course_id}/{exam.content_id}",
        "is_paused": False,
    }


@pytest.fixture
def legacy_lookup():
    """Install a legacy lookup for one test; restore whatever was registered (the router's) after."""
    previous = legacy.registered_legacy_active_attempt_lookup()
    yield legacy.register_legacy_active_attempt_lookup
    legacy.register_legacy_active_attempt_lookup(previous)


@pytest.mark.django_db
class TestLatest:
    def test_running_attempt_without_content_id(self, clients, learner, timed_exam):
        attempt = attempt_in_status(learner, timed_exam, s.STARTED, minutes_left=10)
        body = clients.of(learner).get(LATEST).json()
        remaining = body.pop("time_remaining_seconds")
        assert body == expected_attempt(attempt, timed_exam)
        assert 590 < remaining <= 600

    def test_with_content_id_returns_any_status(self, clients, learner, timed_exam):
        attempt = attempt_in_status(learner, timed_exam, s.SUBMITTED)
        assert clients.of(learner).get(LATEST).json() == {}
        for query in (urlencode({"content_id": TIMED_CONTENT_ID}), f"content_id={TIMED_CONTENT_ID}"):
            body = clients.of(learner).get(f"{LATEST}?{query}").json()
            assert (body["attempt_id"], body["attempt_status"], body["time_remaining_seconds"]) == (
                attempt.pk,
                s.SUBMITTED,
                0,
            )

    def test_unknown_content_id_falls_back_to_running_attempt(self, clients, learner, timed_exam):
        attempt = attempt_in_status(learner, timed_exam, s.READY_TO_SUBMIT)
        body = clients.of(learner).get(f"{LATEST}?content_id=block-v1:x+y+z+type@sequential+block@nope").json()
        assert body["attempt_id"] == attempt.pk

    def test_other_users_attempts_are_invisible(self, clients, learner, other_learner, timed_exam):
        attempt_in_status(learner, timed_exam, s.STARTED)
        assert clients.of(other_learner).get(f"{LATEST}?content_id={TIMED_CONTENT_ID}").json() == {}

    def test_legacy_attempt_is_returned_when_nothing_runs_here(self, clients, learner, timed_exam, legacy_lookup):
        attempt_in_status(learner, timed_exam, s.SUBMITTED)
        legacy_lookup(lambda user: {"attempt_id": 7, "use_legacy_attempt_api": True})
        body = clients.of(learner).get(f"{LATEST}?content_id={TIMED_CONTENT_ID}").json()
        assert body == {"attempt_id": 7, "use_legacy_attempt_api": True}

    def test_failing_legacy_lookup_answers_from_local_data(self, clients, learner, timed_exam, legacy_lookup):
        attempt = attempt_in_status(learner, timed_exam, s.SUBMITTED)

        def broken(user):
            raise ConnectionError("LMS down")

        legacy_lookup(broken)
        body = clients.of(learner).get(f"{LATEST}?content_id={TIMED_CONTENT_ID}").json()
        assert body["attempt_id"] == attempt.pk


@pytest.mark.django_db
class TestStudentExam:
    def test_unknown_exam(self, clients, learner):
        assert clients.of(learner).get(student_exam_url("block-v1:a+b+c+type@sequential+block@x")).json() == {
            "exam": {}
        }

    def test_full_payload_without_attempt(self, clients, learner, proctored_exam):
        body = clients.of(learner).get(student_exam_url(CONTENT_ID) + "/").json()["exam"]
        assert body == {
            "id": proctored_exam.pk,
            "exam_name": "Proctored midterm",
            "course_id": COURSE_ID,
            "content_id": CONTENT_ID,
            "time_limit_mins": 60,
            "due_date": proctored_exam.due_date.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
            "exam_type": "proctored",
            "hide_after_due": False,
            "is_active": True,
            "type": "proctored",
            "is_proctored": True,
            "is_practice_exam": False,
            "backend": "Test Provider",
            "passed_due_date": False,
            "total_time": 60,
            "attempt": {},
        }

    def test_allowance_adds_to_total_time_and_attempt_is_embedded(self, clients, learner, timed_exam):
        StudentAllowance.objects.create(user=learner, exam=timed_exam, extra_time_mins=10, time_multiplier=Decimal("2"))
        attempt = attempt_in_status(learner, timed_exam, s.STARTED)
        body = clients.of(learner).get(student_exam_url(TIMED_CONTENT_ID)).json()["exam"]
        assert (body["total_time"], body["backend"], body["attempt"]["attempt_id"]) == (70, None, attempt.pk)

    def test_timed_out_attempt_is_submitted_on_read(self, clients, learner, timed_exam):
        attempt_in_status(learner, timed_exam, s.STARTED, minutes_left=-1)
        body = clients.of(learner).get(student_exam_url(TIMED_CONTENT_ID)).json()["exam"]
        assert body["attempt"]["attempt_status"] == s.SUBMITTED

    def test_passed_due_date(self, clients, learner, timed_exam):
        timed_exam.due_date = timezone.now() - timedelta(seconds=1)
        timed_exam.save()
        assert clients.of(learner).get(student_exam_url(TIMED_CONTENT_ID)).json()["exam"]["passed_due_date"] is True


@pytest.mark.django_db
class TestProviderSettingsAndOnboarding:
    def test_provider_settings(self, clients, learner, proctored_exam):
        url = f"/api/v1/exam/provider_settings/course_id/{COURSE_ID}/exam_id/{proctored_exam.pk}"
        assert clients.of(learner).get(url).json() == {
            "provider_tech_support_email": "support@provider.example.com",
            "provider_tech_support_phone": "+1 555 0100",
            "provider_tech_support_url": "https://provider.example.com/support",
            "provider_name": "Test Provider",
            "proctoring_escalation_email": "escalation@example.com",
        }

    def test_unknown_or_timed_exam_gives_escalation_only(self, clients, learner, timed_exam):
        for exam_id in (timed_exam.pk, 987654):
            url = f"/api/v1/exam/provider_settings/course_id/{COURSE_ID}/exam_id/{exam_id}"
            assert clients.of(learner).get(url).json() == {"proctoring_escalation_email": "escalation@example.com"}

    def test_onboarding_is_404_with_empty_body(self, clients, learner, course_config):
        response = clients.of(learner).get(f"/api/v1/student/course_id/{COURSE_ID}/onboarding")
        assert (response.status_code, response.content) == (404, b"")

    def test_anonymous_is_401_everywhere(self, clients, proctored_exam):
        for url in (
            LATEST,
            student_exam_url(CONTENT_ID),
            f"/api/v1/exam/provider_settings/course_id/{COURSE_ID}/exam_id/{proctored_exam.pk}",
            f"/api/v1/student/course_id/{COURSE_ID}/onboarding",
        ):
            assert clients.anonymous.get(url).status_code == 401
