"""The endpoints the MFE polls and the instructor list run a fixed number of queries at any data size."""

import itertools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from exams import statuses as s
from exams.models import Exam
from tests.conftest import COURSE_ID, TIMED_CONTENT_ID, make_user
from tests.exams.factories import attempt_in_status


def count_queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, response.content
    return len(ctx.captured_queries)


NOISE = itertools.count()


def add_noise(exam, n):
    """Other learners' attempts and other exams, so a query that scales with data would show."""
    for _ in range(n):
        i = next(NOISE)
        other = make_user(f"noise_{i}")
        attempt_in_status(other, exam, s.SUBMITTED)
        Exam.objects.create(
            course_id=COURSE_ID,
            content_id=f"{TIMED_CONTENT_ID}_{i}",
            exam_name="x",
            exam_type="timed",
            time_limit_mins=5,
            is_active=True,
        )


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url_for",
    [
        lambda exam: f"/api/v1/exams/attempt/latest?content_id={exam.content_id}",
        lambda exam: "/api/v1/exams/attempt/latest",
        lambda exam: f"/api/v1/student/exam/attempt/course_id/{COURSE_ID}/content_id/{exam.content_id}",
    ],
    ids=["latest-with-content", "latest", "student-exam"],
)
def test_learner_polls_are_constant(clients, learner, timed_exam, url_for):
    attempt_in_status(learner, timed_exam, s.STARTED)
    client = clients.of(learner)
    client.get(url_for(timed_exam))  # first sight of the JWT creates the user
    small = count_queries(client, url_for(timed_exam))
    add_noise(timed_exam, 15)
    assert count_queries(client, url_for(timed_exam)) == small
    assert small <= 4


@pytest.mark.django_db
def test_instructor_list_is_constant(clients, course_staff, timed_exam):
    client = clients.of(course_staff)
    url = f"/api/v1/instructor_view/course_id/{COURSE_ID}/attempts?exam_id={timed_exam.pk}"
    add_noise(timed_exam, 2)
    small = count_queries(client, url)
    add_noise(timed_exam, 20)
    assert count_queries(client, url) == small


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("layer", ["in-memory", "redis"])
def test_stop_and_resume_are_constant(clients, learner, timed_exam, layer, request):
    """The status update the MFE sends most: one locked read, one write with its history, one log entry. With the
    Redis channel layer (production) the process's numbering thread numbers and sends the entry after the request
    (monitoring/late_numbering.py); the in-memory layer (development) numbers it in the request."""
    if layer == "redis":
        request.getfixturevalue("redis_layer")
    attempt = attempt_in_status(learner, timed_exam, s.STARTED)
    client = clients.of(learner)
    url = f"/api/v1/exams/attempt/{attempt.pk}"

    def put(action):
        with CaptureQueriesContext(connection) as ctx:
            response = client.put(url, {"action": action}, format="json")
        assert response.status_code == 200, response.content
        return len(ctx.captured_queries)

    put("stop"), put("start")  # the first start of monitoring creates the session
    small = (put("stop"), put("start"))
    add_noise(timed_exam, 10)
    assert (put("stop"), put("start")) == small
    # PostgreSQL (exams/services/one_statement.py): user, the attempt (unlocked), exam (the cache is off in tests),
    # one statement writing the attempt if unchanged with its history row and status event, and (in-memory layer)
    # numbering the exam's pending events (one function call). Elsewhere: user, BEGIN, locked attempt, exam,
    # attempt UPDATE, history INSERT, the event's session lookup and INSERT, COMMIT, and (in-memory layer) the
    # numbering's claim, reads and writes.
    in_place = layer == "in-memory" or connection.vendor == "sqlite"  # monitoring.bridge._numbers_in_place
    numbering = {"postgresql": 1, "mysql": 7, "sqlite": 7}[connection.vendor] if in_place else 0
    assert max(small) == (4 if connection.vendor == "postgresql" else 9) + numbering
