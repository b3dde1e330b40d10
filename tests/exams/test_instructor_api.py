"""Instructor dashboard: attempts list with reviews, allowances."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from exams import statuses as s
from exams.models import AttemptReview, StudentAllowance
from tests.conftest import COURSE_ID
from tests.exams.factories import attempt_in_status

ATTEMPTS = f"/api/v1/instructor_view/course_id/{COURSE_ID}/attempts"
ALLOWANCES = f"/api/v1/exams/course_id/{COURSE_ID}/allowances"


@pytest.mark.django_db
class TestAttemptsList:
    def test_auth_matrix(self, clients, auth_matrix, proctored_exam):
        url = f"{ATTEMPTS}?exam_id={proctored_exam.pk}"
        assert clients.anonymous.get(url).status_code == 401
        expected = {"learner": 403, "other_course_staff": 403, "course_staff": 200, "global_staff": 200}
        for role, user in auth_matrix.items():
            assert clients.of(user).get(url).status_code == expected[role], role

    def test_results_with_proctored_review_and_pagination(
        self, clients, course_staff, learner, other_learner, proctored_exam
    ):
        first = attempt_in_status(learner, proctored_exam, s.SECOND_REVIEW_REQUIRED)
        AttemptReview.objects.create(
            attempt=first,
            action_type="terminate",
            incident_time=datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC),
            severity=Decimal("0.10"),
            reason_code="1",
            fingerprint="a",
        )
        second = attempt_in_status(other_learner, proctored_exam, s.STARTED)
        body = clients.of(course_staff).get(f"{ATTEMPTS}/?exam_id={proctored_exam.pk}&limit=1").json()
        assert body["count"] == 2
        assert body["next"] == f"http://testserver{ATTEMPTS}/?exam_id={proctored_exam.pk}&limit=1&offset=1"
        assert body["results"][0]["attempt_id"] == second.pk
        page2 = clients.of(course_staff).get(f"{ATTEMPTS}?exam_id={proctored_exam.pk}&limit=1&offset=1").json()
        row = page2["results"][0]
        assert set(row) == {
            "attempt_id",
            "attempt_status",
            "start_time",
            "end_time",
            "allowed_time_limit_mins",
            "exam_type",
            "exam_display_name",
            "username",
            "proctored_review",
        }
        assert (row["attempt_id"], row["username"], row["attempt_status"]) == (
            first.pk,
            "learner",
            s.SECOND_REVIEW_REQUIRED,
        )
        assert row["proctored_review"] == {
            "submission_time": "2026-01-02T03:04:05.000000Z",
            "severity": "0.10",
            "submission_reason": "Submitted by user",
        }

    @pytest.mark.parametrize("query", ["", "?exam_id=", "?exam_id=abc"])
    def test_missing_exam_id_is_400(self, clients, course_staff, query):
        response = clients.of(course_staff).get(f"{ATTEMPTS}{query}")
        assert response.status_code == 400
        assert "exam_id" in response.json()["detail"]

    def test_exam_of_another_course_is_404(self, clients, global_staff, proctored_exam):
        url = f"/api/v1/instructor_view/course_id/course-v1:edX+Other+2026/attempts?exam_id={proctored_exam.pk}"
        response = clients.of(global_staff).get(url)
        assert (response.status_code, response.json()) == (404, {"detail": "Exam does not exist in course"})


@pytest.mark.django_db
class TestAllowances:
    def test_auth_matrix(self, clients, auth_matrix, timed_exam):
        assert clients.anonymous.get(ALLOWANCES).status_code == 401
        expected = {"learner": 403, "other_course_staff": 403, "course_staff": 200, "global_staff": 200}
        for role, user in auth_matrix.items():
            assert clients.of(user).get(ALLOWANCES).status_code == expected[role], role

    def test_upsert_by_username_and_email_then_list(self, clients, course_staff, learner, timed_exam):
        staff = clients.of(course_staff)
        response = staff.post(
            ALLOWANCES, [{"exam_id": timed_exam.pk, "username": "learner", "extra_time_mins": 5}], format="json"
        )
        assert (response.status_code, response.content) == (200, b"")
        staff.post(
            ALLOWANCES,
            [{"exam_id": timed_exam.pk, "email": learner.email, "extra_time_mins": 15, "time_multiplier": "1.25"}],
            format="json",
        )
        allowance = StudentAllowance.objects.get()
        assert staff.get(ALLOWANCES).json() == [
            {
                "id": allowance.pk,
                "exam_id": timed_exam.pk,
                "user_id": learner.pk,
                "extra_time_mins": 15,
                "time_multiplier": "1.25",
                "username": "learner",
                "exam_name": "Timed quiz",
                "email": learner.email,
            }
        ]

    @pytest.mark.parametrize(
        "body,expected",
        [
            ([{"exam_id": 1, "extra_time_mins": 5}], "Invalid data"),
            ([{"exam_id": 1, "username": "learner", "extra_time_mins": "x"}], "Invalid data"),
            ([{"exam_id": 1, "username": "learner", "extra_time_mins": 5, "time_multiplier": "0.5"}], "Invalid data"),
            ([{"exam_id": 999, "username": "learner", "extra_time_mins": 5}], "Exam does not exist"),
            ({"exam_id": 1}, "Invalid data"),
        ],
    )
    def test_invalid_batches(self, clients, course_staff, learner, timed_exam, body, expected):
        response = clients.of(course_staff).post(ALLOWANCES, body, format="json")
        assert response.status_code == 400
        assert response.json()["detail"] == expected
        assert not StudentAllowance.objects.exists()

    def test_unknown_learner_rejects_the_whole_batch(self, clients, course_staff, learner, timed_exam):
        body = [
            {"exam_id": timed_exam.pk, "username": "learner", "extra_time_mins": 5},
            {"exam_id": timed_exam.pk, "username": "ghost", "extra_time_mins": 5},
        ]
        response = clients.of(course_staff).post(ALLOWANCES, body, format="json")
        assert response.json() == {"detail": "Learner with username/email not found"}
        assert not StudentAllowance.objects.exists()

    def test_exam_of_another_course_rejected(self, clients, global_staff, learner, timed_exam):
        url = "/api/v1/exams/course_id/course-v1:edX+Other+2026/allowances"
        body = [{"exam_id": timed_exam.pk, "username": "learner", "extra_time_mins": 5}]
        assert clients.of(global_staff).post(url, body, format="json").json() == {"detail": "Exam does not exist"}

    def test_empty_list_is_a_no_op(self, clients, course_staff):
        assert clients.of(course_staff).post(ALLOWANCES, [], format="json").status_code == 200

    def test_delete(self, clients, course_staff, global_staff, learner, timed_exam):
        allowance = StudentAllowance.objects.create(user=learner, exam=timed_exam, extra_time_mins=5)
        other_course = f"/api/v1/exams/course_id/course-v1:edX+Other+2026/allowances/{allowance.pk}"
        response = clients.of(global_staff).delete(other_course)
        assert (response.status_code, response.json()) == (
            404,
            {"detail": f"Allowance with id={allowance.pk} does not exist."},
        )
        assert clients.of(course_staff).delete(f"{ALLOWANCES}/{allowance.pk}").status_code == 204
        assert clients.of(course_staff).delete(f"{ALLOWANCES}/{allowance.pk}").status_code == 404
