"""`exams/attempt` create / act / reset: keys, statuses and error strings of the contract."""

from datetime import timedelta

import pytest
from django.utils import timezone

from exams import statuses as s
from exams.models import ExamAttempt
from tests.exams.factories import attempt_in_status

CREATE = "/api/v1/exams/attempt"


def detail(attempt_id):
    return f"/api/v1/exams/attempt/{attempt_id}"


@pytest.mark.django_db
class TestCreate:
    @pytest.mark.parametrize("start_clock", ["true", "True", True])
    def test_timed_exam_starts_with_start_clock(self, clients, learner, timed_exam, start_clock):
        response = clients.of(learner).post(
            CREATE, {"exam_id": timed_exam.pk, "start_clock": start_clock}, format="json"
        )
        assert response.status_code == 200
        attempt = ExamAttempt.objects.get(pk=response.json()["exam_attempt_id"])
        assert (attempt.status, attempt.attempt_number) == (s.STARTED, 1)

    @pytest.mark.parametrize("start_clock", ["false", False, None])
    def test_without_start_clock_the_attempt_is_created(self, clients, learner, timed_exam, start_clock):
        body = {"exam_id": timed_exam.pk, "attempt_proctored": "false"}
        if start_clock is not None:
            body["start_clock"] = start_clock
        response = clients.of(learner).post(CREATE, body, format="json")
        assert ExamAttempt.objects.get(pk=response.json()["exam_attempt_id"]).status == s.CREATED

    def test_form_encoded_body_works(self, clients, learner, timed_exam):
        response = clients.of(learner).post(CREATE, {"exam_id": str(timed_exam.pk), "start_clock": "true"})
        assert response.status_code == 200

    def test_proctored_exam_waits_for_the_proctoring_launch(self, clients, learner, proctored_exam):
        response = clients.of(learner).post(
            CREATE, {"exam_id": proctored_exam.pk, "start_clock": "true"}, format="json"
        )
        assert ExamAttempt.objects.get(pk=response.json()["exam_attempt_id"]).status == s.CREATED

    @pytest.mark.parametrize("body", [{}, {"exam_id": "abc"}, {"exam_id": 999999}, {"exam_id": True}])
    def test_unknown_or_missing_exam(self, clients, learner, body):
        response = clients.of(learner).post(CREATE, body, format="json")
        assert response.status_code == 400
        assert response.json()["detail"].startswith("Exam with exam_id=")

    def test_bad_start_clock(self, clients, learner, timed_exam):
        response = clients.of(learner).post(CREATE, {"exam_id": timed_exam.pk, "start_clock": "maybe"}, format="json")
        assert response.status_code == 400
        assert not ExamAttempt.objects.exists()

    def test_second_attempt_refused(self, clients, learner, timed_exam):
        clients.of(learner).post(CREATE, {"exam_id": timed_exam.pk}, format="json")
        response = clients.of(learner).post(CREATE, {"exam_id": timed_exam.pk}, format="json")
        assert response.status_code == 400
        assert response.json()["detail"] == (
            f"Cannot create attempt for exam_id={timed_exam.pk} and user_id={learner.pk} "
            "because an attempt already exists."
        )

    def test_past_due_refused_except_practice(self, clients, learner, timed_exam):
        timed_exam.due_date = timezone.now() - timedelta(minutes=1)
        timed_exam.save()
        response = clients.of(learner).post(CREATE, {"exam_id": timed_exam.pk}, format="json")
        assert response.status_code == 400
        assert "past due non-practice exam" in response.json()["detail"]
        timed_exam.exam_type = "practice"
        timed_exam.save()
        assert clients.of(learner).post(CREATE, {"exam_id": timed_exam.pk}, format="json").status_code == 200

    def test_failed_start_creates_nothing(self, clients, learner, timed_exam, proctored_exam):
        attempt_in_status(learner, proctored_exam, s.STARTED)
        response = clients.of(learner).post(CREATE, {"exam_id": timed_exam.pk, "start_clock": "true"}, format="json")
        assert response.status_code == 400
        assert "another exam attempt is currently active" in response.json()["detail"]
        assert not ExamAttempt.objects.filter(exam=timed_exam).exists()

    def test_anonymous_is_401(self, clients, timed_exam):
        assert clients.anonymous.post(CREATE, {"exam_id": timed_exam.pk}, format="json").status_code == 401


@pytest.mark.django_db
class TestUpdate:
    @pytest.mark.parametrize(
        "status,action,expected",
        [
            (s.STARTED, "stop", s.READY_TO_SUBMIT),
            (s.READY_TO_SUBMIT, "start", s.STARTED),
            (s.STARTED, "submit", s.SUBMITTED),
            (s.CREATED, "click_download_software", s.DOWNLOAD_SOFTWARE_CLICKED),
            (s.STARTED, "error", s.ERROR),
            (s.READY_TO_START, "start", s.STARTED),
        ],
    )
    def test_learner_actions(self, clients, learner, proctored_exam, status, action, expected):
        attempt = attempt_in_status(learner, proctored_exam, status)
        response = clients.of(learner).put(detail(attempt.pk), {"action": action}, format="json")
        assert response.json() == {"exam_attempt_id": attempt.pk}
        attempt.refresh_from_db()
        assert attempt.status == expected

    @pytest.mark.parametrize("action,expected", [("verify", s.VERIFIED), ("reject", s.REJECTED)])
    def test_staff_review(self, clients, learner, course_staff, global_staff, proctored_exam, action, expected):
        for reviewer in (course_staff, global_staff):
            attempt = attempt_in_status(learner, proctored_exam, s.SECOND_REVIEW_REQUIRED)
            response = clients.of(reviewer).put(detail(attempt.pk), {"action": action}, format="json")
            assert response.status_code == 200
            attempt.refresh_from_db()
            assert attempt.status == expected
            attempt.reset_at = timezone.now()
            attempt.save()

    def test_learner_cannot_resubmit_a_rejected_attempt(self, clients, learner, proctored_exam):
        attempt = attempt_in_status(learner, proctored_exam, s.REJECTED)
        response = clients.of(learner).put(detail(attempt.pk), {"action": "submit"}, format="json")
        assert response.status_code == 400
        attempt.refresh_from_db()
        assert attempt.status == s.REJECTED

    @pytest.mark.parametrize("action", ["reset_attempt", "decline", "ping", None, 12, "verify"])
    def test_unrecognized_actions(self, clients, learner, proctored_exam, action):
        attempt = attempt_in_status(learner, proctored_exam, s.STARTED)
        response = clients.of(learner).put(detail(attempt.pk), {"action": action}, format="json")
        assert response.status_code == 400
        assert response.json() == {"detail": f'Unrecognized action "{action}"'}

    def test_staff_cannot_use_learner_actions_on_others_attempts(self, clients, learner, course_staff, proctored_exam):
        attempt = attempt_in_status(learner, proctored_exam, s.STARTED)
        response = clients.of(course_staff).put(detail(attempt.pk), {"action": "submit"}, format="json")
        assert response.json() == {"detail": 'Unrecognized action "submit"'}

    def test_other_user_and_other_course_staff_forbidden(
        self, clients, learner, other_learner, other_course_staff, proctored_exam
    ):
        attempt = attempt_in_status(learner, proctored_exam, s.SUBMITTED)
        for intruder in (other_learner, other_course_staff):
            response = clients.of(intruder).put(detail(attempt.pk), {"action": "verify"}, format="json")
            assert response.status_code == 403
            assert response.json()["detail"] == (
                f"user_id={intruder.pk} attempted to update attempt_id={attempt.pk} "
                f"in course_id={proctored_exam.course_id}"
                " but does not have access to it. (action=verify)"
            )

    def test_unknown_attempt(self, clients, learner):
        response = clients.of(learner).put(detail(424242), {"action": "stop"}, format="json")
        assert response.status_code == 400
        assert response.json() == {"detail": "Attempt with attempt_id=424242 does not exist."}

    def test_non_object_body(self, clients, learner, proctored_exam):
        attempt = attempt_in_status(learner, proctored_exam, s.STARTED)
        response = clients.of(learner).put(detail(attempt.pk), ["stop"], format="json")
        assert response.status_code == 400


@pytest.mark.django_db
class TestReset:
    def test_staff_reset_keeps_history_and_numbers_the_next_attempt(self, clients, learner, course_staff, timed_exam):
        attempt = attempt_in_status(learner, timed_exam, s.SUBMITTED)
        assert clients.of(course_staff).delete(detail(attempt.pk)).status_code == 204
        attempt.refresh_from_db()
        assert (attempt.reset_by, attempt.status) == (course_staff, s.SUBMITTED)
        response = clients.of(learner).post(CREATE, {"exam_id": timed_exam.pk, "start_clock": "true"}, format="json")
        retake = ExamAttempt.objects.get(pk=response.json()["exam_attempt_id"])
        assert (retake.attempt_number, retake.status) == (2, s.STARTED)
        assert ExamAttempt.objects.filter(user=learner, exam=timed_exam).count() == 2

    def test_reset_of_a_running_attempt_frees_the_learner(
        self, clients, learner, global_staff, timed_exam, proctored_exam
    ):
        running = attempt_in_status(learner, proctored_exam, s.STARTED)
        assert clients.of(global_staff).delete(detail(running.pk)).status_code == 204
        response = clients.of(learner).post(CREATE, {"exam_id": timed_exam.pk, "start_clock": "true"}, format="json")
        assert response.status_code == 200

    def test_learner_cannot_reset_own_attempt(self, clients, learner, timed_exam):
        attempt = attempt_in_status(learner, timed_exam, s.SUBMITTED)
        response = clients.of(learner).delete(detail(attempt.pk))
        assert response.status_code == 403
        assert response.json()["detail"].endswith("but does not have access to it.")

    def test_reset_attempt_is_gone_for_clients(self, clients, learner, course_staff, timed_exam):
        attempt = attempt_in_status(learner, timed_exam, s.SUBMITTED)
        clients.of(course_staff).delete(detail(attempt.pk))
        assert clients.of(course_staff).delete(detail(attempt.pk)).status_code == 400
        assert clients.of(learner).put(detail(attempt.pk), {"action": "submit"}, format="json").status_code == 400
