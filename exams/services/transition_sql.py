"""A status transition's writes in plain SQL: the attempt row and its simple-history row.

Every status change runs this. Through `save()` and simple-history's post_save receiver the two writes
cost more Python than the statements they send; here they are one statement on PostgreSQL (the UPDATE's
RETURNING feeds the history INSERT) and two elsewhere. The history row has exactly the columns
simple-history writes for a change (`history_type` "~"); tests/exams/test_transition_sql.py compares both.
"""

import functools

from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.utils import timezone

from exams.models import ExamAttempt
from exams_service.prepared_sql import prepared_cursor

HISTORY_OWN_FIELDS = ("history_id", "history_date", "history_change_reason", "history_type", "history_user")
CHANGED = "~"


@functools.cache
def _pieces(field_names: tuple[str, ...], vendor: str) -> tuple[list, str, str]:
    """(fields, `UPDATE … WHERE id = %s`, `INSERT INTO <history> (…) SELECT …, %s, %s, %s, %s FROM`)."""
    quote = connection.ops.quote_name
    history = ExamAttempt.history.model  # each `.history` access builds a manager class: resolve it once
    fields = [ExamAttempt._meta.get_field(name) for name in field_names]
    assignments = ", ".join(f"{quote(field.column)} = %s" for field in fields)
    copied = ", ".join(
        quote(field.column) for field in history._meta.concrete_fields if field.name not in HISTORY_OWN_FIELDS
    )
    insert = (
        f"INSERT INTO {quote(history._meta.db_table)} "
        f"({copied}, history_date, history_change_reason, history_type, history_user_id) "
        f"SELECT {copied}, %s, %s, %s, %s FROM"
    )
    return fields, f"UPDATE {quote(ExamAttempt._meta.db_table)} SET {assignments} WHERE id = %s", insert


def _statements(field_names: tuple[str, ...], vendor: str) -> tuple[list, str, str | None]:
    """(fields, the statement with the UPDATE, the history INSERT when it is a statement of its own)."""
    fields, update, insert = _pieces(field_names, vendor)
    if vendor == "postgresql":
        return fields, f"WITH changed AS ({update} RETURNING *) {insert} changed", None
    return fields, update, f"{insert} {connection.ops.quote_name(ExamAttempt._meta.db_table)} WHERE id = %s"


@functools.cache
def _compare_and_set(field_names: tuple[str, ...], part_shapes: tuple[int, ...]) -> str:
    """The one statement of `save_transition_if_unchanged` for parts RETURNING these numbers of columns."""
    fields, update, insert = _pieces(field_names, "postgresql")
    quote = connection.ops.quote_name
    unchanged = " AND ".join(f"{quote(field.column)} IS NOT DISTINCT FROM %s" for field in fields)
    ctes = [f"changed AS ({update} AND {unchanged} RETURNING *)", f"history AS ({insert} changed)"]
    ctes += [f"part{i} AS ({{part{i}}})" for i in range(len(part_shapes))]
    joins = "".join(f" LEFT JOIN (SELECT * FROM part{i} LIMIT 1) AS p{i} ON true" for i in range(len(part_shapes)))
    selected = ", ".join(["(SELECT count(*) FROM changed)", *(f"p{i}.*" for i in range(len(part_shapes)))])
    return f"WITH {', '.join(ctes)} SELECT {selected} FROM (SELECT 1) AS one{joins}"


def save_transition_if_unchanged(
    attempt: ExamAttempt, before: dict, field_names: list[str], *, reason: str, history_user_id, parts
) -> tuple[bool, list[dict | None]]:
    """PostgreSQL, one autocommitted statement: write `field_names` of `attempt` only if the row still holds the
    `before` values of those fields (compare-and-set), append its history row and run each of `parts` on the
    changed row. Returns (written, each part's RETURNING row or None)."""
    db = connections[DEFAULT_DB_ALIAS]  # the wrapper itself: each use of the `connection` proxy looks it up again
    now = timezone.now()
    attempt.modified = now
    names = tuple(field_names)
    fields = _pieces(names, db.vendor)[0]
    template = _compare_and_set(names, tuple(len(part.columns) for part in parts))
    sql = template.format(**{f"part{i}": part.sql for i, part in enumerate(parts)})
    values = [field.get_db_prep_save(getattr(attempt, field.attname), db) for field in fields]
    olds = [field.get_db_prep_save(before[field.attname], db) for field in fields]
    history_values = [db.ops.adapt_datetimefield_value(now), reason, CHANGED, history_user_id]
    part_params = [param for part in parts for param in part.params]
    with prepared_cursor() as cursor:
        cursor.execute(sql, [*values, attempt.pk, *olds, *history_values, *part_params])
        row = cursor.fetchone()
    results, offset = [], 1
    for part in parts:
        returned = row[offset : offset + len(part.columns)]
        offset += len(part.columns)
        results.append(dict(zip(part.columns, returned, strict=True)) if returned and returned[0] is not None else None)
    return row[0] == 1, results


def save_transition(attempt: ExamAttempt, field_names: list[str], *, reason: str, history_user_id: int | None):
    """Write `field_names` of `attempt` (`modified` is stamped now) and append its history row."""
    db = connections[DEFAULT_DB_ALIAS]
    now = timezone.now()
    attempt.modified = now
    fields, statement, history_insert = _statements(tuple(field_names), db.vendor)
    values = [field.get_db_prep_save(getattr(attempt, field.attname), db) for field in fields]
    history_values = [db.ops.adapt_datetimefield_value(now), reason, CHANGED, history_user_id]
    with db.cursor() as cursor:
        if history_insert is None:
            cursor.execute(statement, [*values, attempt.pk, *history_values])
        else:
            cursor.execute(statement, [*values, attempt.pk])
            cursor.execute(history_insert, [*history_values, attempt.pk])
