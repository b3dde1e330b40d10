"""A status transition's writes in plain SQL: the attempt row and its simple-history row.

Every status change runs this. Through `save()` and simple-history's post_save receiver the two writes
cost more Python than the statements they send; here they are one statement on PostgreSQL (the UPDATE's
RETURNING feeds the history INSERT) and two elsewhere. The history row has exactly the columns
simple-history writes for a change (`history_type` "~"); tests/exams/test_transition_sql.py compares both.
"""

from django.db import connection
from django.utils import timezone

from exams.models import ExamAttempt

HISTORY_OWN_FIELDS = ("history_id", "history_date", "history_change_reason", "history_type", "history_user")
CHANGED = "~"


def _copied_columns() -> list[str]:
    """The attempt columns the history model mirrors (all of them, in the history table's order)."""
    history = ExamAttempt.history.model
    return [field.column for field in history._meta.concrete_fields if field.name not in HISTORY_OWN_FIELDS]


def save_transition(attempt: ExamAttempt, field_names: list[str], *, reason: str, history_user_id: int | None):
    """Write `field_names` of `attempt` (`modified` is stamped now) and append its history row."""
    now = timezone.now()
    attempt.modified = now
    quote = connection.ops.quote_name
    fields = [ExamAttempt._meta.get_field(name) for name in field_names]
    assignments = ", ".join(f"{quote(field.column)} = %s" for field in fields)
    values = [field.get_db_prep_save(getattr(attempt, field.attname), connection) for field in fields]
    copied = ", ".join(quote(column) for column in _copied_columns())
    history_date = ExamAttempt.history.model._meta.get_field("history_date").get_db_prep_save(now, connection)
    history_values = [history_date, reason, CHANGED, history_user_id]
    attempts, history = quote(ExamAttempt._meta.db_table), quote(ExamAttempt.history.model._meta.db_table)
    insert = (
        f"INSERT INTO {history} ({copied}, history_date, history_change_reason, history_type, history_user_id) "
        f"SELECT {copied}, %s, %s, %s, %s FROM"
    )
    update = f"UPDATE {attempts} SET {assignments} WHERE id = %s"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"WITH changed AS ({update} RETURNING *) {insert} changed", [*values, attempt.pk, *history_values]
            )
        else:
            cursor.execute(update, [*values, attempt.pk])
            cursor.execute(f"{insert} {attempts} WHERE id = %s", [*history_values, attempt.pk])
