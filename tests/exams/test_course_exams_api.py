"""`exams/course_id/{course_id}`: Studio's exam registration (contract §3.4(1))."""

import threading

import pytest
from django.db import IntegrityError, connection, transaction

from exams.models import Exam, ProctoringProvider
from tests.conftest import COURSE_ID, OTHER_COURSE_ID

URL = f"/api/v1/exams/course_id/{COURSE_ID}"
SECOND_CONTENT_ID = "block-v1:edX+Test+2026+type@sequential+block@second"


def exam_item(content_id=SECOND_CONTENT_ID, **overrides):
    item = {
        "content_id": content_id,
        "exam_name": "Final exam",
        "time_limit_mins": 90,
        "due_date": "2040-05-01T12:00:00Z",
        "exam_type": "proctored",
        "hide_after_due": False,
        "is_active": True,
        "course_id": COURSE_ID,
        "backend": "ignored",
    }
    item.update(overrides)
    return item


def active_exams(course_id=COURSE_ID):
    return list(Exam.objects.filter(course_id=course_id, is_active=True).order_by("id"))


@pytest.mark.django_db
class TestAuthMatrix:
    @pytest.mark.parametrize(
        "role,expected", [("learner", 403), ("other_course_staff", 403), ("course_staff", 200), ("global_staff", 200)]
    )
    @pytest.mark.parametrize("method", ["get", "patch"])
    def test_roles(self, clients, auth_matrix, course_config, role, expected, method):
        response = getattr(clients.of(auth_matrix[role]), method)(URL, [], format="json")
        assert response.status_code == expected
        if expected == 403:
            assert response.json() == {"detail": "You do not have permission to perform this action."}

    @pytest.mark.parametrize("method", ["get", "patch"])
    def test_anonymous(self, clients, method):
        response = getattr(clients.anonymous, method)(URL, [], format="json")
        assert response.status_code == 401
        assert response.json() == {"detail": "Authentication credentials were not provided."}
        assert response["WWW-Authenticate"] == 'JWT realm="api"'

    def test_learner_patch_changes_nothing(self, clients, learner, proctored_exam):
        clients.of(learner).patch(URL, [], format="json")
        proctored_exam.refresh_from_db()
        assert proctored_exam.is_active


@pytest.mark.django_db
class TestGet:
    def test_lists_active_exams_of_the_course_only(self, clients, course_staff, proctored_exam, timed_exam):
        Exam.objects.create(
            course_id=COURSE_ID, content_id=SECOND_CONTENT_ID, exam_name="Old", exam_type="timed", time_limit_mins=5
        )
        Exam.objects.create(
            course_id=OTHER_COURSE_ID,
            content_id=SECOND_CONTENT_ID,
            exam_name="Elsewhere",
            exam_type="timed",
            time_limit_mins=5,
            is_active=True,
        )
        response = clients.of(course_staff).get(URL)
        assert response.status_code == 200
        body = response.json()
        assert [exam["id"] for exam in body] == [proctored_exam.id, timed_exam.id]
        assert body[0] == {
            "id": proctored_exam.id,
            "exam_name": "Proctored midterm",
            "course_id": COURSE_ID,
            "content_id": proctored_exam.content_id,
            "time_limit_mins": 60,
            "due_date": proctored_exam.due_date.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
            "exam_type": "proctored",
            "hide_after_due": False,
            "is_active": True,
        }

    def test_empty_course(self, clients, course_staff):
        response = clients.of(course_staff).get(URL)
        assert (response.status_code, response.json()) == (200, [])

    @pytest.mark.parametrize("suffix", ["/", ""])
    def test_trailing_slash(self, clients, course_staff, proctored_exam, suffix):
        response = clients.of(course_staff).get(URL + suffix)
        assert response.status_code == 200
        assert len(response.json()) == 1

    def test_old_style_course_id(self, clients, global_staff):
        old_id = "edX/Demo/2014"
        Exam.objects.create(
            course_id=old_id,
            content_id="i4x://edX/Demo/sequential/abc",
            exam_name="Old",
            exam_type="timed",
            time_limit_mins=5,
            is_active=True,
        )
        for url in (f"/api/v1/exams/course_id/{old_id}", f"/api/v1/exams/course_id/{old_id}/"):
            response = clients.of(global_staff).get(url)
            assert response.status_code == 200
            assert [exam["course_id"] for exam in response.json()] == [old_id]

    def test_query_count_does_not_grow_with_exams(self, clients, global_staff, django_assert_num_queries):
        client = clients.of(global_staff)
        client.get(URL)  # the user row exists from here on

        def create(count):
            for index in range(count):
                Exam.objects.create(
                    course_id=COURSE_ID,
                    content_id=f"block-v1:edX+Test+2026+type@sequential+block@q{index}",
                    exam_name=f"Q{index}",
                    exam_type="timed",
                    time_limit_mins=10,
                    is_active=True,
                )

        create(1)
        with django_assert_num_queries(2) as few:  # user lookup + exams
            assert len(client.get(URL).json()) == 1
        Exam.objects.all().delete()
        create(25)
        with django_assert_num_queries(len(few.captured_queries)):
            assert len(client.get(URL).json()) == 25


@pytest.mark.django_db
class TestPatch:
    def patch(self, client, body, url=URL):
        return client.patch(url, body, format="json")

    def test_creates_exams_with_provider_from_config(self, clients, course_staff, course_config, provider):
        response = self.patch(
            clients.of(course_staff),
            [exam_item(), exam_item("block-v1:edX+Test+2026+type@sequential+block@t", exam_type="timed")],
        )
        assert (response.status_code, response.json()) == (200, {})
        proctored, timed = active_exams()
        assert (proctored.exam_type, proctored.provider_id, proctored.time_limit_mins) == ("proctored", provider.id, 90)
        assert (timed.exam_type, timed.provider_id) == ("timed", None)
        assert proctored.resource_id and proctored.resource_id != timed.resource_id
        assert proctored.due_date.isoformat() == "2040-05-01T12:00:00+00:00"

    @pytest.mark.parametrize("exam_type", ["practice", "onboarding"])
    def test_practice_and_onboarding_get_the_provider(self, clients, course_staff, course_config, provider, exam_type):
        self.patch(clients.of(course_staff), [exam_item(exam_type=exam_type)])
        assert active_exams()[0].provider_id == provider.id

    def test_without_config_proctored_exam_has_no_provider(self, clients, global_staff):
        self.patch(clients.of(global_staff), [exam_item()])
        assert active_exams()[0].provider_id is None

    def test_same_type_updates_in_place(self, clients, course_staff, proctored_exam):
        resource_id = proctored_exam.resource_id
        body = [
            exam_item(
                proctored_exam.content_id,
                exam_name="Renamed",
                time_limit_mins=45,
                due_date=None,
                hide_after_due=True,
            )
        ]
        assert self.patch(clients.of(course_staff), body).status_code == 200
        (exam,) = Exam.objects.filter(course_id=COURSE_ID)
        assert exam.id == proctored_exam.id
        assert (exam.exam_name, exam.time_limit_mins, exam.due_date, exam.hide_after_due, exam.resource_id) == (
            "Renamed",
            45,
            None,
            True,
            resource_id,
        )
        assert exam.history.count() == 2

    def test_in_place_update_keeps_provider(self, clients, course_staff, proctored_exam, provider):
        other = ProctoringProvider.objects.create(name="other", verbose_name="Other", lti_configuration_id="2")
        proctored_exam.provider = other
        proctored_exam.save()
        self.patch(clients.of(course_staff), [exam_item(proctored_exam.content_id)])
        proctored_exam.refresh_from_db()
        assert (proctored_exam.is_active, proctored_exam.provider_id) == (True, other.id)

    def test_is_active_false_in_payload_deactivates_in_place(self, clients, course_staff, proctored_exam):
        self.patch(clients.of(course_staff), [exam_item(proctored_exam.content_id, is_active=False)])
        proctored_exam.refresh_from_db()
        assert not proctored_exam.is_active
        assert Exam.objects.count() == 1

    def test_type_change_deactivates_and_creates(self, clients, course_staff, proctored_exam, provider):
        client = clients.of(course_staff)
        self.patch(client, [exam_item(proctored_exam.content_id, exam_type="timed")])
        proctored_exam.refresh_from_db()
        assert not proctored_exam.is_active
        (timed,) = active_exams()
        assert (timed.exam_type, timed.provider_id) == ("timed", None)
        assert timed.id != proctored_exam.id and timed.resource_id != proctored_exam.resource_id

        self.patch(client, [exam_item(proctored_exam.content_id, exam_type="proctored")])
        assert Exam.objects.filter(content_id=proctored_exam.content_id).count() == 3
        (back,) = active_exams()
        assert (back.exam_type, back.provider_id) == ("proctored", provider.id)

    def test_exams_missing_from_payload_are_deactivated(self, clients, course_staff, proctored_exam, timed_exam):
        self.patch(clients.of(course_staff), [exam_item(timed_exam.content_id, exam_type="timed")])
        assert [exam.id for exam in active_exams()] == [timed_exam.id]

    def test_empty_list_deactivates_everything(self, clients, course_staff, proctored_exam, timed_exam):
        assert self.patch(clients.of(course_staff), []).json() == {}
        assert active_exams() == []
        assert Exam.objects.filter(course_id=COURSE_ID).count() == 2

    def test_other_courses_untouched(self, clients, global_staff, proctored_exam):
        other = Exam.objects.create(
            course_id=OTHER_COURSE_ID,
            content_id=proctored_exam.content_id,
            exam_name="Other",
            exam_type="timed",
            time_limit_mins=5,
            is_active=True,
        )
        self.patch(clients.of(global_staff), [])
        other.refresh_from_db()
        assert other.is_active

    def test_trailing_slash_and_old_style_id(self, clients, global_staff):
        old_id = "edX/Demo/2014"
        body = [exam_item("i4x://edX/Demo/sequential/abc", course_id=old_id, exam_type="timed")]
        response = self.patch(clients.of(global_staff), body, url=f"/api/v1/exams/course_id/{old_id}/")
        assert response.status_code == 200
        assert [exam.content_id for exam in active_exams(old_id)] == ["i4x://edX/Demo/sequential/abc"]
        assert self.patch(clients.of(global_staff), [], url=URL + "/").status_code == 200

    def test_invalid_exam_type(self, clients, course_staff):
        response = self.patch(clients.of(course_staff), [exam_item(exam_type="bogus")])
        assert response.status_code == 400
        assert response.json() == {"detail": "Invalid data", "errors": [{"exam_type": ["Must be a valid exam type."]}]}

    def test_errors_are_per_item(self, clients, course_staff):
        response = self.patch(
            clients.of(course_staff),
            [exam_item(), exam_item("block-v1:edX+Test+2026+type@sequential+block@x", hide_after_due="maybe")],
        )
        assert response.status_code == 400
        body = response.json()
        assert body["detail"] == "Invalid data"
        assert body["errors"][0] == {}
        assert body["errors"][1] == {"hide_after_due": ["Must be a valid boolean."]}
        assert Exam.objects.count() == 0

    def test_missing_fields(self, clients, course_staff):
        response = self.patch(clients.of(course_staff), [{"content_id": SECOND_CONTENT_ID}])
        errors = response.json()["errors"][0]
        assert set(errors) == {"exam_name", "time_limit_mins", "due_date", "exam_type", "hide_after_due", "is_active"}
        assert errors["due_date"] == ["This field is required."]

    def test_non_list_body(self, clients, course_staff):
        response = self.patch(clients.of(course_staff), exam_item())
        assert response.status_code == 400
        assert response.json() == {
            "detail": "Invalid data",
            "errors": {"non_field_errors": ['Expected a list of items but got type "dict".']},
        }

    def test_duplicate_content_ids_rejected(self, clients, course_staff):
        response = self.patch(clients.of(course_staff), [exam_item(), exam_item()])
        assert response.status_code == 400
        assert response.json()["errors"] == {"non_field_errors": ["Each content_id may appear only once."]}

    def test_invalid_content_id(self, clients, course_staff):
        response = self.patch(clients.of(course_staff), [exam_item("not a usage key")])
        assert response.json()["errors"] == [{"content_id": ["Must be a valid usage key."]}]


@pytest.mark.django_db
def test_partial_unique_constraint_one_active_exam_per_content(proctored_exam):
    """PostgreSQL and SQLite enforce it with a partial unique index; MySQL/MariaDB rely on the service's lock."""
    duplicate = dict(course_id=COURSE_ID, content_id=proctored_exam.content_id, exam_type="timed", time_limit_mins=5)
    Exam.objects.create(exam_name="Inactive copy", is_active=False, **duplicate)
    if not connection.features.supports_partial_indexes:
        pytest.skip(f"{connection.vendor} has no partial unique indexes (see the concurrency test)")
    with pytest.raises(IntegrityError), transaction.atomic():
        Exam.objects.create(exam_name="Second active", is_active=True, **duplicate)


@pytest.mark.concurrency
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("with_config", [True, False])
def test_concurrent_patches_leave_one_active_exam_per_content(clients, global_staff, provider, with_config):
    if connection.vendor not in ("postgresql", "mysql"):
        pytest.skip("row and advisory locks need PostgreSQL or MariaDB")
    if with_config:
        from exams.models import CourseExamConfiguration

        CourseExamConfiguration.objects.create(course_id=COURSE_ID, provider=provider)
    content_ids = [f"block-v1:edX+Test+2026+type@sequential+block@c{index}" for index in range(3)]
    proctored = [exam_item(content_id, exam_type="proctored") for content_id in content_ids]
    timed = [exam_item(content_id, exam_type="timed") for content_id in content_ids]
    # Rounds run in parallel: a registration from nothing, a type change, then `[]` clears the course again.
    rounds = [(proctored, timed), (timed, proctored), ([], [])] * 3 + [(proctored, timed)]
    barrier = threading.Barrier(2)
    statuses = []

    def worker(worker_bodies):
        from django.db import connections

        client = clients.of(global_staff)
        try:
            for body in worker_bodies:
                barrier.wait(timeout=10)
                statuses.append(client.patch(URL, body, format="json").status_code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=([pair[index] for pair in rounds],)) for index in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert statuses == [200] * 2 * len(rounds)
    for content_id in content_ids:
        assert Exam.objects.filter(course_id=COURSE_ID, content_id=content_id, is_active=True).count() == 1
