"""Django admin: every registered model's pages render for a superuser; search, filters and history work."""

from decimal import Decimal

import pytest
from django.contrib import admin
from django.urls import reverse
from django.utils import timezone

from exams.models import AttemptReview, CourseStaffRole, ExamAttempt, StudentAllowance
from tests.conftest import make_user


@pytest.fixture
def superuser(db):
    return make_user("admin", is_staff=True, is_superuser=True, identity_kind="local", lms_user_id=None)


@pytest.fixture
def admin_client(client, superuser):
    client.force_login(superuser)
    return client


@pytest.fixture
def one_of_each(learner, course_staff, proctored_exam, timed_exam):
    """At least one row of every exams model, so every change page has something to show."""
    attempt = ExamAttempt.objects.create(user=learner, exam=proctored_exam, status="submitted")
    StudentAllowance.objects.create(user=learner, exam=timed_exam, extra_time_mins=15)
    AttemptReview.objects.create(
        attempt=attempt,
        action_type="terminate",
        incident_time=timezone.now(),
        severity=Decimal("0.30"),
        reason_code="1",
        fingerprint="f" * 64,
    )
    return attempt


def registered_models():
    return [model for model in admin.site._registry]


def url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


@pytest.mark.django_db
class TestAdminPages:
    @pytest.mark.parametrize("model", registered_models(), ids=lambda model: model.__name__)
    def test_changelist_and_change_page(self, admin_client, one_of_each, model):
        response = admin_client.get(url(model, "changelist"))
        assert response.status_code == 200
        instance = model._default_manager.order_by("pk").first()
        if instance is None:
            assert model._meta.app_label != "exams", f"the fixture must create a {model.__name__}"
            return
        response = admin_client.get(url(model, "change", instance.pk))
        assert response.status_code == 200
        assert str(instance) in response.content.decode()

    @pytest.mark.parametrize(
        "model",
        [model for model in registered_models() if admin.site._registry[model].search_fields],
        ids=lambda model: model.__name__,
    )
    def test_search(self, admin_client, one_of_each, model):
        response = admin_client.get(url(model, "changelist"), {"q": "learner"})
        assert response.status_code == 200
        response = admin_client.get(url(model, "changelist"), {"q": "no-such-thing-anywhere"})
        assert response.status_code == 200
        assert response.context["cl"].result_count == 0

    @pytest.mark.parametrize("model", registered_models(), ids=lambda model: model.__name__)
    def test_every_filter(self, admin_client, one_of_each, model):
        changelist = admin_client.get(url(model, "changelist")).context["cl"]
        for spec in changelist.filter_specs:
            for choice in spec.choices(changelist):
                response = admin_client.get(url(model, "changelist") + choice["query_string"])
                assert response.status_code == 200, (model.__name__, choice["query_string"])

    def test_search_finds_the_exam(self, admin_client, one_of_each, proctored_exam, timed_exam):
        from exams.models import Exam

        response = admin_client.get(url(Exam, "changelist"), {"q": "Proctored midterm"})
        assert [exam.pk for exam in response.context["cl"].result_list] == [proctored_exam.pk]

    def test_filter_narrows_the_list(self, admin_client, one_of_each, timed_exam):
        from exams.models import Exam

        response = admin_client.get(url(Exam, "changelist"), {"exam_type__exact": "timed"})
        assert [exam.pk for exam in response.context["cl"].result_list] == [timed_exam.pk]

    def test_user_search_by_lms_user_id(self, admin_client, learner):
        from exams.models import User

        response = admin_client.get(url(User, "changelist"), {"q": str(learner.lms_user_id)})
        assert learner in response.context["cl"].result_list

    @pytest.mark.parametrize("model_name", ["exam", "courseexamconfiguration", "examattempt"])
    def test_history_pages(self, admin_client, one_of_each, course_config, model_name):
        from django.apps import apps

        model = apps.get_model("exams", model_name)
        instance = model.objects.order_by("pk").first()
        response = admin_client.get(url(model, "history", instance.pk))
        assert response.status_code == 200
        record = instance.history.order_by("history_id").first()
        detail = reverse(f"admin:exams_{model_name}_simple_history", args=[instance.pk, record.history_id])
        assert admin_client.get(detail).status_code == 200

    def test_attempt_status_is_read_only_and_not_addable(self, admin_client, one_of_each):
        response = admin_client.get(url(ExamAttempt, "add"))
        assert response.status_code == 403
        response = admin_client.post(url(ExamAttempt, "change", one_of_each.pk), {"status": "verified"})
        one_of_each.refresh_from_db()
        assert one_of_each.status == "submitted"

    def test_reviews_are_read_only(self, admin_client, one_of_each):
        review = AttemptReview.objects.get()
        assert admin_client.get(url(AttemptReview, "add")).status_code == 403
        admin_client.post(url(AttemptReview, "change", review.pk), {"reason_code": "9"})
        review.refresh_from_db()
        assert review.reason_code == "1"

    @pytest.mark.parametrize("model", registered_models(), ids=lambda model: model.__name__)
    def test_add_page(self, admin_client, model):
        response = admin_client.get(url(model, "add"))
        assert response.status_code in (200, 403)

    def test_course_staff_role_add(self, admin_client, learner):
        response = admin_client.post(
            url(CourseStaffRole, "add"), {"user": learner.pk, "course_id": "course-v1:edX+New+1", "role": "staff"}
        )
        assert response.status_code == 302
        assert CourseStaffRole.objects.filter(user=learner, course_id="course-v1:edX+New+1").exists()

    def test_non_staff_cannot_enter(self, client, learner):
        client.force_login(learner, backend="exams.auth.backends.LmsSessionBackend")
        response = client.get(reverse("admin:index"))
        assert response.status_code == 302
