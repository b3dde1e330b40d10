"""A status transition's writes in plain SQL: the attempt row and its simple-history row.

Every status change runs this. Through `save()` and simple-history's post_save receiver the two writes
cost more Python than the statements they send; here they are one statement on PostgreSQL (the UPDATE's
RETURNING feeds the history INSERT) and two elsewhere. The history row has exactly the columns
simple-history writes for a change (`history_type` "~"); tests/exams/test_transition_sql.py compares both.
"""

import functools

from django.db import connection
from django.utils import timezone

from exams.models import ExamAttempt

HISTORY_OWN_FIELDS = ("history_id", "history_date", "history_change_reason", "history_type", "history_user")
CHANGED = "~"


@functools.cache
def _statements(field_names: tuple[str, ...], vendor: str) -> tuple[list, str, str | None]:
    """(fields, the statement with the UPDATE, the history INSERT when it is a statement of its own)."""
    quote = connection.ops.quote_name
    history = ExamAttempt.history.model  # each `.history` access builds a manager class: resolve it once
    fields = [ExamAttempt._meta.get_field(name) for name in field_names]
    assignments = ", ".join(f"{quote(field.column)} = %s" for field in fields)
    copied = ", ".join(
        quote(field.column) for field in history._meta.concrete_fields if field.name not in HISTORY_OWN_FIELDS
    )
    attempts = quote(ExamAttempt._meta.db_table)
    insert = (
        f"INSERT INTO {quote(history._meta.db_table)} "
        f"({copied}, history_date, history_change_reason, history_type, history_user_id) "
        f"SELECT {copied}, %s, %s, %s, %s FROM"
    )
    update = f"UPDATE {attempts} SET {assignments} WHERE id = %s"
    if vendor == "postgresql":
        return fields, f"WITH changed AS ({update} RETURNING *) {insert} changed", None
    return fields, update, f"{insert} {attempts} WHERE id = %s"


def save_transition(attempt: ExamAttempt, field_names: list[str], *, reason: str, history_user_id: int | None):
    """Write `field_names` of `attempt` (`modified` is stamped now) and append its history row."""
    now = timezone.now()
    attempt.modified = now
    fields, statement, history_insert = _statements(tuple(field_names), connection.vendor)
    values = [field.get_db_prep_save(getattr(attempt, field.attname), connection) for field in fields]
    history_values = [connection.ops.adapt_datetimefield_value(now), reason, CHANGED, history_user_id]
    with connection.cursor() as cursor:
        if history_insert is None:
            cursor.execute(statement, [*values, attempt.pk, *history_values])
        else:
            cursor.execute(statement, [*values, attempt.pk])
            cursor.execute(history_insert, [*history_values, attempt.pk])
