"""The foreign keys whose lookups a composite index serves have no single-column index of their own, but keep
their foreign-key constraint (exams 0004, monitoring 0005): one index fewer to maintain on the hot write path."""

import pytest
from django.db import connection

from exams.models import ExamAttempt
from monitoring.models import SessionEvent

# (model, column) → the composite indexes leading with that column
SERVED_BY_COMPOSITES = [
    (ExamAttempt, "user_id", {"attempt_user_exam_idx", "attempt_user_status_idx", "unique_attempt_number"}),
    (SessionEvent, "exam_id", {"mon_event_exam_seq_unique"}),
    (SessionEvent, "session_id", {"mon_event_client_seq_unique", "mon_event_session_seq_idx"}),
]


def constraints(model) -> dict:
    with connection.cursor() as cursor:
        return connection.introspection.get_constraints(cursor, model._meta.db_table)


@pytest.mark.django_db
@pytest.mark.parametrize(("model", "column", "composites"), SERVED_BY_COMPOSITES)
def test_no_single_column_index_but_the_foreign_key_stays(model, column, composites):
    found = constraints(model)
    plain = {n: c for n, c in found.items() if c["index"] and not (c["unique"] or c["primary_key"] or c["foreign_key"])}
    single = [n for n, c in plain.items() if c["columns"] == [column]]
    assert single == []
    leading = {n for n, c in found.items() if c["columns"][:1] == [column] and len(c["columns"]) > 1}
    assert composites <= leading
    assert [n for n, c in found.items() if c["columns"] == [column] and c["foreign_key"]]
