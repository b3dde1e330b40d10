"""exams_service.rows: plain-SQL rows are the instances the ORM would build, with or without init receivers."""

import pytest
from django.db import connection
from django.db.models.signals import post_init

from exams.models import ExamAttempt, User
from exams_service import rows
from tests.exams.factories import attempt_in_status


def read_user(user_id: int):
    table = connection.ops.quote_name(User._meta.db_table)
    sql = f"SELECT {rows.select_list(User, table)}, 7 FROM {table} WHERE {table}.id = %s"
    return rows.fetch_one(User, sql, [user_id], extra=("seven",))


def same_instance(built, loaded) -> None:
    assert type(built) is type(loaded)
    assert {k: v for k, v in vars(built).items() if k != "_state"} == {
        k: v for k, v in vars(loaded).items() if k != "_state"
    }
    assert (built._state.adding, built._state.db) == (loaded._state.adding, loaded._state.db) == (False, "default")


@pytest.mark.django_db
def test_a_row_is_the_instance_the_orm_builds(learner):
    built = read_user(learner.pk)
    assert built.seven == 7
    del built.seven
    same_instance(built, User.objects.get(pk=learner.pk))


@pytest.mark.django_db
def test_foreign_keys_and_relations_work_on_a_built_row(learner, timed_exam):
    attempt = attempt_in_status(learner, timed_exam, "started")
    table = connection.ops.quote_name(ExamAttempt._meta.db_table)
    sql = f"SELECT {rows.select_list(ExamAttempt, table)} FROM {table} WHERE {table}.id = %s"
    built = rows.fetch_one(ExamAttempt, sql, [attempt.pk])
    same_instance(built, ExamAttempt.objects.get(pk=attempt.pk))
    assert built.exam == timed_exam
    built.exam_id = timed_exam.pk  # the descriptor still guards the cached relation
    assert built.exam.pk == timed_exam.pk


@pytest.mark.django_db
def test_init_receivers_still_run(learner):
    seen = []

    def receiver(sender, instance, **kwargs):
        seen.append(instance.pk)

    post_init.connect(receiver, sender=User)
    try:
        built = read_user(learner.pk)
    finally:
        post_init.disconnect(receiver, sender=User)
    assert seen == [learner.pk]
    assert built.username == learner.username


@pytest.mark.django_db
def test_a_missing_row_is_none():
    assert read_user(0) is None


@pytest.mark.django_db
def test_a_read_of_some_fields_defers_the_others_as_only_does(learner, django_assert_num_queries):
    fields = ("id", "username", "email")
    table = connection.ops.quote_name(User._meta.db_table)
    sql = f"SELECT {rows.select_list(User, table, fields)} FROM {table} WHERE {table}.id = %s"
    built = rows.fetch_one(User, sql, [learner.pk], fields=fields)
    loaded = User.objects.only(*fields).get(pk=learner.pk)
    same_instance(built, loaded)
    assert built.get_deferred_fields() == loaded.get_deferred_fields() and "password" in built.get_deferred_fields()
    with django_assert_num_queries(1):
        assert built.date_joined == learner.date_joined  # a deferred field loads on first access


def test_a_read_without_the_primary_key_is_refused():
    with pytest.raises(ValueError, match="primary key"):
        rows.select_list(User, "u", ("username",))
