"""Fixtures shared by every test package: users, JWTs, API clients, a demo course."""

import itertools
import os
from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from exams.models import CourseExamConfiguration, CourseStaffRole, Exam, ProctoringProvider, User
from exams.services.dev_tokens import dev_jwt_for

COURSE_ID = "course-v1:edX+Test+2026"
OTHER_COURSE_ID = "course-v1:edX+Other+2026"
CONTENT_ID = "block-v1:edX+Test+2026+type@sequential+block@proctored"
TIMED_CONTENT_ID = "block-v1:edX+Test+2026+type@sequential+block@timed"


def require_service(name: str, available: bool, how: str = "") -> None:
    """Skip when a service is absent locally; under CI (REQUIRE_SERVICES=1) that is a failure."""
    if available:
        return
    message = f"{name} is not reachable{': ' + how if how else ''}"
    if os.environ.get("REQUIRE_SERVICES"):
        pytest.fail(f"{message} (REQUIRE_SERVICES is set, so this cannot be skipped)")
    pytest.skip(message)


def redis_up(url: str = "redis://127.0.0.1:6379/0") -> bool:
    """Whether a Redis server answers PING at `url` (for `require_service`)."""
    import redis

    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


def auth_header(user, **overrides) -> str:
    return f"JWT {dev_jwt_for(user)}"


class Clients:
    """`clients.of(user)` is an APIClient sending that user's LMS JWT; `clients.anonymous` sends none."""

    def of(self, user) -> APIClient:
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=auth_header(user))
        return client

    @property
    def anonymous(self) -> APIClient:
        return APIClient()


@pytest.fixture
def row_locks():
    """Skips on SQLite, which has no row locks (the PostgreSQL and MariaDB passes of `make test` run these)."""
    from django.db import connection

    if connection.vendor == "sqlite":
        pytest.skip("row-lock tests run in the PostgreSQL and MariaDB passes of `make test`")


REDIS_LAYER_URL = "redis://127.0.0.1:6379/12"


@pytest.fixture
def redis_layer(settings):
    """The production channel layer (Redis pub/sub) on a local Redis, in place of the in-memory one."""
    from channels.layers import get_channel_layer

    from settings.base import channel_layers

    require_service("Redis", redis_up(REDIS_LAYER_URL), f"start redis-server ({REDIS_LAYER_URL})")
    settings.CHANNEL_LAYERS = channel_layers(REDIS_LAYER_URL)
    settings.CHANNEL_LAYERS["default"]["CONFIG"]["prefix"] = "test-monitoring"
    yield get_channel_layer()
    from monitoring import bridge

    assert bridge.late_numbering.wait_idle(10), "the numbering thread was still busy after the test"


@pytest.fixture
def clients():
    return Clients()


_lms_user_ids = itertools.count(10_000)


def make_user(username: str, **fields) -> User:
    """An LMS identity (the kind JWTs authenticate); pass identity_kind="local" and lms_user_id=None otherwise."""
    fields.setdefault("email", f"{username}@example.com")
    fields.setdefault("lms_user_id", next(_lms_user_ids))
    return User.objects.create(username=username, **fields)


@pytest.fixture
def learner(db):
    return make_user("learner", full_name="Lee Learner")


@pytest.fixture
def other_learner(db):
    return make_user("other_learner")


@pytest.fixture
def course_staff(db):
    user = make_user("course_staff")
    CourseStaffRole.objects.create(user=user, course_id=COURSE_ID, role="staff")
    return user


@pytest.fixture
def other_course_staff(db):
    user = make_user("other_course_staff")
    CourseStaffRole.objects.create(user=user, course_id=OTHER_COURSE_ID, role="instructor")
    return user


@pytest.fixture
def global_staff(db):
    return make_user("global_staff", is_staff=True)


@pytest.fixture
def site_admin(db):
    """A local superuser (password login), the only kind the Django admin lets in."""
    return User.objects.create_superuser("site_admin", "site_admin@example.com", "site-admin-password-1")


@pytest.fixture
def provider(db):
    return ProctoringProvider.objects.create(
        name="test_provider",
        verbose_name="Test Provider",
        lti_configuration_id="1",
        tech_support_email="support@provider.example.com",
        tech_support_phone="+1 555 0100",
        tech_support_url="https://provider.example.com/support",
    )


@pytest.fixture
def course_config(provider):
    return CourseExamConfiguration.objects.create(
        course_id=COURSE_ID, provider=provider, escalation_email="escalation@example.com"
    )


@pytest.fixture
def proctored_exam(course_config, provider):
    return Exam.objects.create(
        course_id=COURSE_ID,
        content_id=CONTENT_ID,
        provider=provider,
        exam_name="Proctored midterm",
        exam_type="proctored",
        time_limit_mins=60,
        due_date=timezone.now() + timedelta(days=30),
        is_active=True,
    )


@pytest.fixture
def timed_exam(course_config):
    return Exam.objects.create(
        course_id=COURSE_ID,
        content_id=TIMED_CONTENT_ID,
        exam_name="Timed quiz",
        exam_type="timed",
        time_limit_mins=30,
        due_date=timezone.now() + timedelta(days=30),
        is_active=True,
    )


@pytest.fixture
def auth_matrix(learner, course_staff, other_course_staff, global_staff):
    """The five callers of every permission test, keyed by role."""
    return {
        "learner": learner,
        "course_staff": course_staff,
        "other_course_staff": other_course_staff,
        "global_staff": global_staff,
    }
