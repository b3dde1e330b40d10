"""Two kinds of identity: an LMS JWT never authenticates as, updates or demotes a local account.

Every path that creates or matches a user: REST JWT (header and cookie), LTI launch session, role events,
bulk_add_course_staff, xqueue accounts, admin.
"""

import logging

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from rest_framework.test import APIClient

from exams.auth.tokens import encode_jwt
from exams.models import CourseStaffRole
from tests.conftest import COURSE_ID
from tests.exams.test_auth import claims, split_cookie
from xqueue import services as xqueue_services

User = get_user_model()
CONFIG_URL = f"/api/v1/configs/course_id/{COURSE_ID}"
PASSWORD = "a-long-local-password-1"


def jwt_header(**overrides) -> str:
    return f"JWT {encode_jwt(claims(**overrides))}"


@pytest.fixture
def grader_account(db):
    xqueue_services.create_account(username="watcher", password=PASSWORD, role="grader")
    return User.objects.get(username="watcher")


@pytest.fixture
def local_admin(db):
    return User.objects.create_superuser("boss", "boss@example.com", PASSWORD)


@pytest.mark.django_db
class TestJwtNeverReachesLocalAccounts:
    def test_jwt_for_a_grader_username_is_refused_and_logged(self, grader_account, caplog):
        with caplog.at_level(logging.WARNING):
            response = APIClient().get(CONFIG_URL, HTTP_AUTHORIZATION=jwt_header(preferred_username="watcher"))
        assert response.status_code == 403
        assert "local account" in response.json()["detail"]
        assert "watcher" in caplog.text
        grader_account.refresh_from_db()
        assert grader_account.lms_user_id is None and grader_account.email == ""

    def test_jwt_cookie_for_an_admin_username_does_not_demote_the_admin(self, local_admin):
        header_payload, signature = split_cookie(encode_jwt(claims(preferred_username="boss", administrator=False)))
        client = APIClient()
        client.cookies["edx-jwt-cookie-header-payload"] = header_payload
        client.cookies["edx-jwt-cookie-signature"] = signature
        response = client.get(CONFIG_URL)
        assert response.status_code in (401, 403)
        local_admin.refresh_from_db()
        assert local_admin.is_staff and local_admin.is_superuser and local_admin.email == "boss@example.com"
        assert Client().login(username="boss", password=PASSWORD)

    def test_jwt_header_for_an_admin_username_does_not_demote_the_admin(self, local_admin):
        response = APIClient().get(
            CONFIG_URL, HTTP_AUTHORIZATION=jwt_header(preferred_username="boss", administrator=False)
        )
        assert response.status_code == 403
        local_admin.refresh_from_db()
        assert (local_admin.is_staff, local_admin.email, local_admin.lms_user_id) == (True, "boss@example.com", None)

    def test_identity_is_keyed_by_lms_user_id_and_follows_renames(self):
        assert (
            APIClient().get(CONFIG_URL, HTTP_AUTHORIZATION=jwt_header(user_id=7, preferred_username="al")).status_code
            == 200
        )
        response = APIClient().get(CONFIG_URL, HTTP_AUTHORIZATION=jwt_header(user_id=7, preferred_username="alice"))
        assert response.status_code == 200
        assert list(User.objects.values_list("username", "lms_user_id")) == [("alice", 7)]

    def test_a_new_lms_user_taking_a_stale_username_gets_its_own_row(self):
        APIClient().get(CONFIG_URL, HTTP_AUTHORIZATION=jwt_header(user_id=7, preferred_username="sam"))
        # user 7 was renamed in the LMS and user 8 took the name "sam": 8 never becomes 7
        response = APIClient().get(CONFIG_URL, HTTP_AUTHORIZATION=jwt_header(user_id=8, preferred_username="sam"))
        assert response.status_code == 200
        assert User.objects.get(username="sam").lms_user_id == 8
        assert User.objects.get(lms_user_id=7).username != "sam"

    def test_token_without_lms_user_id_is_401(self):
        response = APIClient().get(CONFIG_URL, HTTP_AUTHORIZATION=jwt_header(user_id=None))
        assert response.status_code == 401
        assert "user_id" in response.json()["detail"]


@pytest.mark.django_db
class TestLocalAccountsOnlyThroughPasswords:
    def test_lms_users_cannot_log_in_with_a_password(self):
        user = User.objects.create(username="lms_learner", lms_user_id=5)
        user.set_password(PASSWORD)
        user.save()
        assert not Client().login(username="lms_learner", password=PASSWORD)
        response = Client().post("/xqueue/login/", {"username": "lms_learner", "password": PASSWORD})
        assert response.json()["return_code"] == 1

    def test_xqueue_account_cannot_take_an_lms_username(self, learner):
        password_before = learner.password
        with pytest.raises(ValueError, match="LMS"):
            xqueue_services.create_account(username=learner.username, password=PASSWORD, role="grader")
        learner.refresh_from_db()
        assert learner.password == password_before and not learner.groups.exists()

    def test_admin_and_xqueue_accounts_are_local(self, grader_account, local_admin):
        assert grader_account.identity_kind == local_admin.identity_kind == "local"
        assert Client().post("/xqueue/login/", {"username": "watcher", "password": PASSWORD}).json()["return_code"] == 0


@pytest.mark.django_db
class TestRoleReplicationNeverTouchesLocalAccounts:
    def test_role_event_for_a_local_username_is_refused(self, local_admin, caplog):
        from exams.api import add_course_staff_role

        with caplog.at_level(logging.WARNING):
            created = add_course_staff_role(username="boss", lms_user_id=99, course_id=COURSE_ID, role="staff")
        assert created is False
        assert not CourseStaffRole.objects.filter(user=local_admin).exists()
        assert "boss" in caplog.text

    def test_role_event_matches_the_lms_user_id(self, learner):
        from exams.api import add_course_staff_role

        assert add_course_staff_role(
            username="renamed", lms_user_id=learner.lms_user_id, course_id=COURSE_ID, role="staff"
        )
        assert CourseStaffRole.objects.filter(user=learner, course_id=COURSE_ID).exists()

    def test_bulk_add_course_staff_skips_local_accounts(self, local_admin, grader_account):
        from exams.services.course_staff import bulk_add_course_staff

        rows = [
            {"username": name, "email": "", "role": "staff", "course_id": COURSE_ID} for name in ("boss", "watcher")
        ]
        assert bulk_add_course_staff(rows=rows, batch_delay=0) == 0
        assert not CourseStaffRole.objects.exists()
