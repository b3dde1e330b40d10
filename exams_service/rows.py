"""Whole model rows read by plain SQL, for the queries every learner request makes.

Compiling a queryset costs more than the indexed query it sends (about a thousand Python calls per `.first()`,
`bench/profile_endpoint.py`). These helpers build the SELECT list once per model and connection, convert values
with the same converters the ORM applies, and return ordinary model instances (trailing extra columns become
attributes, as `QuerySet.raw` does).
"""

from functools import cache

from django.db import connection


@cache
def _columns(model, vendor: str) -> tuple[str, tuple[str, ...], tuple]:
    fields = model._meta.concrete_fields
    table = model._meta.db_table
    converters = []
    for field in fields:
        column = field.get_col(table)
        found = connection.ops.get_db_converters(column) + column.get_db_converters(connection)
        converters.append((column, tuple(found)))
    quote = connection.ops.quote_name
    return (
        ", ".join(f"{{alias}}.{quote(field.column)}" for field in fields),
        tuple(field.attname for field in fields),
        tuple(converters),
    )


def select_list(model, alias: str) -> str:
    """Every concrete column of `model`, qualified by `alias`, in field order (the start of the SELECT)."""
    return _columns(model, connection.vendor)[0].format(alias=alias)


def fetch_one(model, sql: str, params, extra: tuple[str, ...] = ()):
    """Run `sql` (starting with `select_list(model, ...)`, then `extra` columns) and build the first row, or None."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None:
        return None
    _, names, converters = _columns(model, connection.vendor)
    values = list(row[: len(names)])
    for index, (column, functions) in enumerate(converters):
        for convert in functions:
            values[index] = convert(values[index], column, connection)
    instance = model.from_db(connection.alias, names, values)
    for name, value in zip(extra, row[len(names) :], strict=True):
        setattr(instance, name, value)
    return instance
