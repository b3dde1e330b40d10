"""Numbers a client can send that `int()` or the JSON parser used to choke on: always a 4xx, never a 5xx."""

import pytest

from exams.models import ExamAttempt
from tests.conftest import COURSE_ID

pytestmark = pytest.mark.django_db

HOSTILE_INTEGERS = ["²", "٣", "1²", "9" * 5000, "-1", " ", "1e3", "0x10", "1_000"]


@pytest.mark.parametrize("raw", HOSTILE_INTEGERS)
def test_instructor_attempts_list_refuses_exam_id_that_is_not_ascii_digits(clients, course_staff, timed_exam, raw):
    response = clients.of(course_staff).get(f"/api/v1/instructor_view/course_id/{COURSE_ID}/attempts", {"exam_id": raw})
    assert response.status_code == 400, response.content
    assert "exam_id" in response.json()["detail"]


@pytest.mark.parametrize("body", ['{"exam_id": 1e400}', '{"exam_id": -1e400}', '{"exam_id": 1e18}'])
def test_attempt_creation_with_an_overflowing_exam_id_is_a_4xx(clients, learner, timed_exam, body):
    response = clients.of(learner).generic("POST", "/api/v1/exams/attempt", body, content_type="application/json")
    assert 400 <= response.status_code < 500, response.content
    assert "detail" in response.json()
    assert not ExamAttempt.objects.exists()


@pytest.mark.parametrize("path", ["/api/v1/exams/attempt/²", "/api/v1/exams/attempt/" + "9" * 400])
def test_attempt_ids_in_the_path_are_ascii_and_bounded(clients, learner, path):
    response = clients.of(learner).put(path, {"action": "start"}, format="json")
    assert response.status_code in (400, 404), response.content
