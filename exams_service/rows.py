"""Whole model rows read by plain SQL, for the queries every learner request makes.

Compiling a queryset costs more than the indexed query it sends (about a thousand Python calls per `.first()`,
`bench/profile_endpoint.py`). These helpers build the SELECT list once per model and connection, convert values
with the same converters the ORM applies, and return ordinary model instances (trailing extra columns become
attributes, as `QuerySet.raw` does). A model with the stock `__init__`/`from_db`, plain field descriptors and no
`pre_init`/`post_init` receivers is built by filling its `__dict__`, as `Model.__init__` would; others through
`from_db`. A read may name the fields it needs (`fields`): the others are deferred, as with `QuerySet.only()`, and
load on first access.
"""

from functools import cache
from inspect import getattr_static

from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.models import Model
from django.db.models.base import ModelState
from django.db.models.query_utils import DeferredAttribute
from django.db.models.signals import post_init, pre_init

from exams_service.prepared_sql import prepared_cursor


@cache
def _columns(model, vendor: str, only: tuple[str, ...] | None = None) -> tuple[str, tuple[str, ...], tuple]:
    fields = model._meta.concrete_fields if only is None else tuple(model._meta.get_field(name) for name in only)
    if model._meta.pk not in fields:
        raise ValueError(f"A read of {model.__name__} must include its primary key.")
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


@cache
def _plain(model) -> bool:
    """True when filling `__dict__` builds the same instance as `Model.from_db` (no code of its own runs there)."""
    if model.__init__ is not Model.__init__ or model.from_db.__func__ is not Model.from_db.__func__:
        return False
    descriptors = (getattr_static(model, field.attname, None) for field in model._meta.concrete_fields)
    # ForeignKeyDeferredAttribute.__set__ only drops a cached related object, which a new instance has not.
    return all(isinstance(descriptor, DeferredAttribute) for descriptor in descriptors)


def _instance(model, db_alias: str, names: tuple[str, ...], values: list):
    if pre_init.receivers or post_init.receivers or not _plain(model):
        return model.from_db(db_alias, names, values)
    instance = model.__new__(model)
    instance.__dict__.update(zip(names, values, strict=True))
    state = instance._state = ModelState()
    state.adding = False
    state.db = db_alias
    return instance


def select_list(model, alias: str, fields: tuple[str, ...] | None = None) -> str:
    """The columns of `fields` (default: every concrete field of `model`), qualified by `alias`, in that order: the
    start of the SELECT."""
    return _columns(model, connection.vendor, fields)[0].format(alias=alias)


def default_connection():
    """The default database's wrapper: look it up once per query (each `connection.x` looks it up again)."""
    return connections[DEFAULT_DB_ALIAS]


def fetch_one(model, sql: str, params, extra: tuple[str, ...] = (), fields: tuple[str, ...] | None = None, *, db=None):
    """Run `sql` (starting with `select_list(model, ..., fields)`, then `extra` columns) and build the first row,
    or None. Fields left out of `fields` are deferred. `db`: the default database's wrapper, if the caller has it."""
    if db is None:
        db = connections[DEFAULT_DB_ALIAS]
    with prepared_cursor(db) as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None:
        return None
    _, names, converters = _columns(model, db.vendor, fields)
    values = list(row[: len(names)])
    for index, (column, functions) in enumerate(converters):
        for convert in functions:
            values[index] = convert(values[index], column, db)
    instance = _instance(model, db.alias, names, values)
    for name, value in zip(extra, row[len(names) :], strict=True):
        setattr(instance, name, value)
    return instance
