"""The hot plain-SQL statements are prepared once per PostgreSQL connection, counted like any query, survive a
migration that adds a column, and can be turned off (exams_service/prepared_sql.py)."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from exams import selectors
from exams import statuses as s
from exams.models import ExamAttempt
from exams.services.one_statement import learner_action
from exams.services.users import _lms_user
from exams_service.prepared_sql import prepared_cursor
from settings.database import database_from_url
from tests.exams.factories import attempt_in_status

pytestmark = pytest.mark.django_db


@pytest.fixture
def postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("prepared statements are PostgreSQL's (the PostgreSQL pass of `make test` runs these)")


def _prepared_statements() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return [row[0] for row in cursor.fetchall()]


def test_the_jwt_user_lookup_is_prepared_and_still_counted(postgresql, learner):
    with CaptureQueriesContext(connection) as queries:
        found = _lms_user(learner.lms_user_id)
    assert found == learner and found.username == learner.username
    assert len(queries.captured_queries) == 1  # query budgets see it
    assert "lms_user_id = $1" in queries.captured_queries[0]["sql"]  # and query logs show it
    assert any("lms_user_id = $1" in statement for statement in _prepared_statements())


def test_a_prepared_read_returns_the_same_row_as_the_orm(postgresql, learner, timed_exam):
    attempt = attempt_in_status(learner, timed_exam, s.STARTED)
    polled = selectors.attempt_by_id(attempt.pk)
    fresh = ExamAttempt.objects.get(pk=attempt.pk)
    for field in ExamAttempt._meta.concrete_fields:
        assert getattr(polled, field.attname) == getattr(fresh, field.attname), field.name


@pytest.mark.django_db(transaction=True)
def test_statements_survive_a_migration_that_adds_a_column(postgresql, learner, timed_exam):
    """A deploy migrates while workers hold prepared statements: each is re-planned, none fails."""
    attempt = attempt_in_status(learner, timed_exam, s.STARTED)
    assert learner_action(attempt_id=attempt.pk, action="stop", user=learner) is not None  # prepares them all
    assert _lms_user(learner.lms_user_id) == learner
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("ALTER TABLE exams_examattempt ADD COLUMN added_by_a_migration integer")
            cursor.execute("ALTER TABLE exams_user ADD COLUMN added_by_a_migration integer")
            cursor.execute("ALTER TABLE monitoring_sessionevent ADD COLUMN added_by_a_migration integer")
        assert selectors.attempt_by_id(attempt.pk).status == s.READY_TO_SUBMIT
        assert _lms_user(learner.lms_user_id) == learner
        transaction.set_rollback(True)


def test_turned_off_nothing_is_prepared(postgresql, learner, monkeypatch):
    monkeypatch.setenv("DATABASE_PREPARED_STATEMENTS", "false")
    assert database_from_url("postgres://postgres@127.0.0.1:5432/x")["OPTIONS"]["prepare_threshold"] is None
    monkeypatch.setattr(connection.connection, "prepare_threshold", None)
    marker = "SELECT username AS turned_off_marker FROM exams_user WHERE id = %s"
    with prepared_cursor() as cursor:
        cursor.execute(marker, [learner.pk])
        assert cursor.fetchone() == (learner.username,)
    assert not any("turned_off_marker" in statement for statement in _prepared_statements())


def test_on_by_default_for_postgresql_only(monkeypatch):
    monkeypatch.delenv("DATABASE_PREPARED_STATEMENTS", raising=False)
    assert database_from_url("postgres://postgres@127.0.0.1:5432/x")["OPTIONS"]["prepare_threshold"] == 5
    assert "prepare_threshold" not in database_from_url("mysql://root@127.0.0.1:3306/x").get("OPTIONS", {})


def test_other_databases_get_the_usual_cursor(learner):
    with CaptureQueriesContext(connection) as queries:
        assert _lms_user(learner.lms_user_id) == learner
    assert len(queries.captured_queries) == 1
    assert "lms_user_id" in queries.captured_queries[0]["sql"]


def test_prepared_reads_follow_a_time_zone_set_after_the_connection_opened(postgresql, learner, timed_exam):
    import zoneinfo

    from django.db import connections

    attempt = attempt_in_status(learner, timed_exam, s.STARTED)
    wrapper = connections["default"]
    wrapper.ensure_connection()
    assert selectors.attempt_by_id(attempt.pk).start_time.tzinfo == wrapper.timezone  # remembered as agreeing
    paris = zoneinfo.ZoneInfo("Europe/Paris")
    wrapper.__dict__["timezone"] = paris  # what a TIME_ZONE override does to the wrapper's cached property
    try:
        read = selectors.attempt_by_id(attempt.pk).start_time
        assert read.tzinfo == paris  # the cursor got the loader of the time zone now in force
    finally:
        del wrapper.__dict__["timezone"]
    assert selectors.attempt_by_id(attempt.pk).start_time.tzinfo == wrapper.timezone


def test_direct_fetch_methods_still_turn_driver_errors_into_djangos(postgresql, learner):
    """fetchone/fetchall/close are plain methods on the prepared cursor's wrapper (no `__getattr__` hop): a
    driver error still reaches callers as Django's exception, as through Django's own wrapper."""
    from django.db import InterfaceError

    with prepared_cursor() as cursor:
        cursor.execute("SELECT username FROM exams_user WHERE id = %s", [learner.pk])
        assert cursor.fetchall() == [(learner.username,)]
        cursor.cursor.close()
        with pytest.raises(InterfaceError) as raised:
            cursor.fetchone()
    assert type(raised.value).__module__ == "django.db.utils"


def test_the_prepared_cursor_logs_like_djangos_when_queries_are_captured(postgresql, learner):
    with prepared_cursor() as cursor:
        assert type(cursor).__mro__[1:].count(type(connection.cursor())) == 1  # Django's wrapper underneath
    with CaptureQueriesContext(connection) as queries:
        with prepared_cursor() as cursor:
            cursor.execute("SELECT username FROM exams_user WHERE id = %s", [learner.pk])
            assert cursor.fetchone() == (learner.username,)
    assert [query["sql"] for query in queries.captured_queries] == ["SELECT username FROM exams_user WHERE id = $1"]
