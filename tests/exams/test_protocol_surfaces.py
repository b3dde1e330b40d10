"""Exam registration and lookups are scoped to a course by the usage key; every list has a max limit."""

import pytest

from exams.models import Exam
from tests.conftest import COURSE_ID, OTHER_COURSE_ID

pytestmark = pytest.mark.django_db

OTHER_COURSE_CONTENT = "block-v1:edX+Other+2026+type@sequential+block@final"


def registration(content_id: str) -> list:
    return [
        {
            "content_id": content_id,
            "exam_name": "Final",
            "time_limit_mins": 30,
            "due_date": None,
            "exam_type": "timed",
            "hide_after_due": False,
            "is_active": True,
        }
    ]


def test_studio_cannot_register_another_courses_content(clients, course_staff, course_config):
    response = clients.of(course_staff).patch(
        f"/api/v1/exams/course_id/{COURSE_ID}", registration(OTHER_COURSE_CONTENT), format="json"
    )
    assert response.status_code == 400, response.content
    assert "course" in response.content.decode()
    assert not Exam.objects.filter(content_id=OTHER_COURSE_CONTENT).exists()


def test_a_content_id_resolves_to_the_exam_of_its_own_course(provider, course_config):
    """An exam row filed under the wrong course (older data) is never what a lookup by content_id returns."""
    content_id = "block-v1:edX+Test+2026+type@sequential+block@lookup"
    fields = {"content_id": content_id, "exam_type": "timed", "time_limit_mins": 5, "is_active": True}
    Exam.objects.create(course_id=OTHER_COURSE_ID, exam_name="Impostor", **fields)
    real = Exam.objects.create(course_id=COURSE_ID, exam_name="Real", **fields)
    from exams import selectors

    assert selectors.active_exam_by_content_id(content_id).pk == real.pk


def test_the_instructor_attempts_list_has_a_max_limit(clients, course_staff, timed_exam, settings):
    from exams.models import ExamAttempt
    from tests.conftest import make_user

    for n in range(3):
        ExamAttempt.objects.create(user=make_user(f"l{n}"), exam=timed_exam, attempt_number=1, status="created")
    settings.API_MAX_PAGE_LIMIT = 2
    response = clients.of(course_staff).get(
        f"/api/v1/instructor_view/course_id/{COURSE_ID}/attempts", {"exam_id": timed_exam.pk, "limit": 1000000000}
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert len(body["results"]) == 2 and body["count"] == 3 and "limit=2" in body["next"]
