"""`configs/course_id/{course_id}`: the course's proctoring provider and escalation email (contract §3.4(4))."""

import pytest

from exams.models import CourseExamConfiguration, Exam, ProctoringProvider
from tests.conftest import COURSE_ID, OTHER_COURSE_ID

URL = f"/api/v1/configs/course_id/{COURSE_ID}"


@pytest.fixture
def new_provider(db):
    return ProctoringProvider.objects.create(name="new_provider", verbose_name="New Provider", lti_configuration_id="9")


def patch(client, body, url=URL):
    return client.patch(url, body, format="json")


@pytest.mark.django_db
class TestAuthMatrix:
    @pytest.mark.parametrize("role", ["learner", "other_course_staff", "course_staff", "global_staff"])
    def test_any_authenticated_user_reads(self, clients, auth_matrix, course_config, role):
        response = clients.of(auth_matrix[role]).get(URL)
        assert response.status_code == 200
        assert response.json() == {"provider": "test_provider", "escalation_email": "escalation@example.com"}

    @pytest.mark.parametrize(
        "role,expected", [("learner", 403), ("other_course_staff", 403), ("course_staff", 204), ("global_staff", 204)]
    )
    def test_only_course_staff_write(self, clients, auth_matrix, provider, role, expected):
        response = patch(clients.of(auth_matrix[role]), {"provider": provider.name, "escalation_email": None})
        assert response.status_code == expected
        if expected == 403:
            assert response.json() == {"detail": "You do not have permission to perform this action."}
        assert CourseExamConfiguration.objects.filter(course_id=COURSE_ID).exists() == (expected == 204)

    @pytest.mark.parametrize("method", ["get", "patch"])
    def test_anonymous(self, clients, method):
        response = getattr(clients.anonymous, method)(URL, {}, format="json")
        assert response.status_code == 401
        assert response.json() == {"detail": "Authentication credentials were not provided."}


@pytest.mark.django_db
class TestGet:
    def test_missing_config(self, clients, learner):
        assert clients.of(learner).get(URL).json() == {"provider": None, "escalation_email": None}

    def test_null_provider(self, clients, learner):
        CourseExamConfiguration.objects.create(course_id=COURSE_ID, provider=None)
        assert clients.of(learner).get(URL + "/").json() == {"provider": None, "escalation_email": None}


@pytest.mark.django_db
class TestPatch:
    def test_creates_config(self, clients, course_staff, provider):
        response = patch(clients.of(course_staff), {"provider": "test_provider", "escalation_email": "a@example.com"})
        assert response.status_code == 204
        assert response.content == b""
        config = CourseExamConfiguration.objects.get(course_id=COURSE_ID)
        assert (config.provider_id, config.escalation_email) == (provider.id, "a@example.com")

    def test_updates_email_without_touching_exams(self, clients, course_staff, proctored_exam):
        response = patch(clients.of(course_staff), {"provider": "test_provider", "escalation_email": "b@example.com"})
        assert response.status_code == 204
        assert CourseExamConfiguration.objects.get(course_id=COURSE_ID).escalation_email == "b@example.com"
        assert list(Exam.objects.values_list("id", flat=True)) == [proctored_exam.id]

    def test_null_provider_forces_null_email(self, clients, course_staff, course_config):
        assert patch(clients.of(course_staff), {"provider": None, "escalation_email": None}).status_code == 204
        course_config.refresh_from_db()
        assert (course_config.provider, course_config.escalation_email) == (None, None)

    def test_provider_change_recreates_proctored_exams_only(
        self, clients, course_staff, proctored_exam, timed_exam, new_provider, provider
    ):
        practice = Exam.objects.create(
            course_id=COURSE_ID,
            content_id="block-v1:edX+Test+2026+type@sequential+block@practice",
            provider=provider,
            exam_name="Practice",
            exam_type="practice",
            time_limit_mins=10,
            is_active=True,
        )
        inactive = Exam.objects.create(
            course_id=COURSE_ID,
            content_id="block-v1:edX+Test+2026+type@sequential+block@gone",
            provider=provider,
            exam_name="Gone",
            exam_type="proctored",
            time_limit_mins=10,
        )
        other_course = Exam.objects.create(
            course_id=OTHER_COURSE_ID,
            content_id=proctored_exam.content_id,
            provider=provider,
            exam_name="Other",
            exam_type="proctored",
            time_limit_mins=10,
            is_active=True,
        )
        response = patch(clients.of(course_staff), {"provider": "new_provider", "escalation_email": "c@example.com"})
        assert response.status_code == 204

        for old in (proctored_exam, practice):
            old.refresh_from_db()
            assert not old.is_active and old.provider_id == provider.id
            new = Exam.objects.get(course_id=COURSE_ID, content_id=old.content_id, is_active=True)
            assert new.id != old.id
            assert new.provider_id == new_provider.id
            assert (new.exam_name, new.exam_type, new.time_limit_mins, new.due_date, new.resource_id) == (
                old.exam_name,
                old.exam_type,
                old.time_limit_mins,
                old.due_date,
                old.resource_id,
            )
        # Our design (docs/adr): timed exams have no provider and stay as they are; others are not touched.
        for untouched in (timed_exam, inactive, other_course):
            before = (untouched.is_active, untouched.provider_id, untouched.modified)
            untouched.refresh_from_db()
            assert (untouched.is_active, untouched.provider_id, untouched.modified) == before
        assert Exam.objects.filter(course_id=COURSE_ID, content_id=timed_exam.content_id).count() == 1

    def test_switching_back_and_forth(self, clients, course_staff, proctored_exam, new_provider):
        client = clients.of(course_staff)
        patch(client, {"provider": "new_provider", "escalation_email": "c@example.com"})
        patch(client, {"provider": "test_provider", "escalation_email": "c@example.com"})
        exams = Exam.objects.filter(content_id=proctored_exam.content_id)
        assert exams.count() == 3
        assert exams.filter(is_active=True).get().provider.name == "test_provider"

    def test_provider_to_null_moves_exams_to_no_provider(self, clients, course_staff, proctored_exam):
        patch(clients.of(course_staff), {"provider": None, "escalation_email": None})
        active = Exam.objects.get(content_id=proctored_exam.content_id, is_active=True)
        assert active.id != proctored_exam.id and active.provider is None

    def test_same_provider_recreates_nothing(self, clients, course_staff, proctored_exam):
        patch(clients.of(course_staff), {"provider": "test_provider", "escalation_email": None})
        assert Exam.objects.count() == 1

    @pytest.mark.parametrize(
        "body,errors",
        [
            ({}, {"provider": ["This field is required."], "escalation_email": ["This field is required."]}),
            ({"provider": "test_provider"}, {"escalation_email": ["This field is required."]}),
            ({"escalation_email": None}, {"provider": ["This field is required."]}),
            ({"provider": "nope", "escalation_email": None}, {"provider": ["Proctoring provider does not exist."]}),
            ({"provider": "", "escalation_email": None}, {"provider": ["This field may not be blank."]}),
            (
                {"provider": None, "escalation_email": "a@example.com"},
                {"non_field_errors": ["Escalation email must be None when provider is None."]},
            ),
            (
                {"provider": "test_provider", "escalation_email": "not-an-email"},
                {"escalation_email": ["Enter a valid email address."]},
            ),
            (
                {"provider": "test_provider", "escalation_email": ""},
                {"escalation_email": ["This field may not be blank."]},
            ),
        ],
    )
    def test_raw_serializer_errors(self, clients, course_staff, provider, body, errors):
        response = patch(clients.of(course_staff), body)
        assert response.status_code == 400
        assert response.json() == errors
        assert not CourseExamConfiguration.objects.exists()
