"""The plain-SQL transition write leaves the same attempt row and history row as save() + simple-history."""

from datetime import timedelta

import pytest
from django.forms.models import model_to_dict
from django.utils import timezone

from exams import statuses as s
from exams.models import ExamAttempt
from exams.services.transition_sql import save_transition
from tests.exams.factories import attempt_in_status

CHANGED_FIELDS = ["status", "start_time", "end_time", "allowed_time_limit_mins", "paused_seconds", "paused_at"]
NOT_COMPARED = {"id", "history_id", "history_date", "created", "modified", "user", "history_user"}


def change(attempt, now):
    attempt.status = s.SUBMITTED
    attempt.end_time = now
    attempt.paused_seconds = 42
    attempt.paused_at = None


def history_row(attempt) -> dict:
    record = ExamAttempt.history.filter(id=attempt.pk).order_by("-history_id").first()
    return model_to_dict(record, exclude=NOT_COMPARED) | {"history_user_id": record.history_user_id}


@pytest.mark.django_db
def test_same_rows_as_save_and_simple_history(learner, other_learner, timed_exam):
    now = timezone.now().replace(microsecond=0)
    by_save = attempt_in_status(learner, timed_exam, s.STARTED, paused_at=now - timedelta(seconds=42))
    by_sql = attempt_in_status(other_learner, timed_exam, s.STARTED, paused_at=now - timedelta(seconds=42))
    ExamAttempt.objects.filter(pk=by_sql.pk).update(start_time=by_save.start_time)
    by_sql.refresh_from_db()

    change(by_save, now)
    by_save._change_reason = "learner:submit"
    by_save._history_user = learner
    by_save.save(update_fields=[*CHANGED_FIELDS, "modified"])
    change(by_sql, now)
    before = timezone.now()
    save_transition(by_sql, [*CHANGED_FIELDS, "modified"], reason="learner:submit", history_user_id=other_learner.pk)

    stored = ExamAttempt.objects.get(pk=by_sql.pk)
    assert model_to_dict(stored, exclude=["id", "user", "created", "modified"]) == model_to_dict(
        ExamAttempt.objects.get(pk=by_save.pk), exclude=["id", "user", "created", "modified"]
    )
    assert stored.modified == by_sql.modified and stored.modified >= before
    expected = history_row(by_save) | {"history_user_id": other_learner.pk}
    assert history_row(by_sql) == expected
    assert expected["history_type"] == "~" and expected["history_change_reason"] == "learner:submit"
    record = ExamAttempt.history.filter(id=by_sql.pk).order_by("-history_id").first()
    assert record.history_date == stored.modified and record.user_id == other_learner.pk


@pytest.mark.django_db
def test_writes_only_the_named_fields(learner, timed_exam):
    attempt = attempt_in_status(learner, timed_exam, s.STARTED)
    ExamAttempt.objects.filter(pk=attempt.pk).update(attempt_number=7)  # changed elsewhere meanwhile
    attempt.status = s.READY_TO_SUBMIT
    save_transition(attempt, ["status", "modified"], reason="learner:stop", history_user_id=None)
    stored = ExamAttempt.objects.get(pk=attempt.pk)
    assert (stored.status, stored.attempt_number) == (s.READY_TO_SUBMIT, 7)
    record = ExamAttempt.history.filter(id=attempt.pk).order_by("-history_id").first()
    assert (record.status, record.attempt_number, record.history_user_id) == (s.READY_TO_SUBMIT, 7, None)
