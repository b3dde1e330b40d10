"""Prepared statements for the plain-SQL hot paths on PostgreSQL (the polled reads, the learner's status write).

Django sends every query with client-side binding, so PostgreSQL parses and plans each one again; for the
indexed single-row statements learners send on every poll, planning costs the server several times what
executing does (a join: 0.16 ms of planning for 0.02 ms of execution). `prepared_cursor()` is Django's own
cursor (same health check, error wrapping, query logging and counting) around a server-binding psycopg cursor
that prepares each statement once per connection.

PostgreSQL re-plans a prepared statement after a migration changes its tables (tests/test_prepared_sql.py);
the statements name their result columns anyway, so a re-plan never changes their result type.
`DATABASE_PREPARED_STATEMENTS=false` turns them off (a pooler in transaction mode that cannot keep prepared
statements); other databases get Django's usual cursor.
"""

from functools import cache

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.utils import CursorDebugWrapper, CursorWrapper
from django.utils.asyncio import async_unsafe


@cache
def _cursor_class():
    from django.db.backends.postgresql.base import ServerBindingCursor

    class PreparedCursor(ServerBindingCursor):
        """Prepares every statement it runs (a no-op when the connection's `prepare_threshold` is None)."""

        def execute(self, query, params=None, *, prepare=None, binary=None):
            return super().execute(query, params, prepare=True, binary=binary)

        def _send_query_prepared(self, name, pgq, *, binary=None):
            # psycopg keeps the statement only when it sends it unprepared; Django's query log and
            # CaptureQueriesContext read it from there (they would show None, with `$n` placeholders now).
            self._query = pgq
            return super()._send_query_prepared(name, pgq, binary=binary)

    return PreparedCursor


@async_unsafe
def prepared_cursor(db=None):
    """A cursor of `db` (default: the default database's wrapper) whose statements are prepared on PostgreSQL
    (Django's cursor elsewhere). Callers that hold the wrapper pass it: each `connections[...]` costs a lookup."""
    if db is None:
        db = connections[DEFAULT_DB_ALIAS]
    if db.vendor != "postgresql":
        return db.cursor()
    db.close_if_health_check_failed()
    db.ensure_connection()
    with db.wrap_database_errors:
        cursor = _cursor_class()(db.connection)
        _match_timezone(db, cursor)
    db.validate_thread_sharing()  # then wrapped as Django's `_prepare_cursor` would, with the methods below
    return (_DirectDebugCursorWrapper if db.queries_logged else _DirectCursorWrapper)(cursor, db)


class _DirectMethods:
    """`fetchone`, `fetchall` and `close` as plain methods. Django's wrappers reach them through `__getattr__`,
    after a normal lookup has failed (a formatted AttributeError), and wrap the method again on every call."""

    def fetchone(self):
        with self.db.wrap_database_errors:
            return self.cursor.fetchone()

    def fetchall(self):
        with self.db.wrap_database_errors:
            return self.cursor.fetchall()

    def close(self):
        return self.cursor.close()


class _DirectCursorWrapper(_DirectMethods, CursorWrapper):
    pass


class _DirectDebugCursorWrapper(_DirectMethods, CursorDebugWrapper):
    pass


# Where a database wrapper keeps (its psycopg connection, the time zone that connection was found to agree with).
_AGREED_TIMEZONE = "_exams_agreed_timezone"


def _match_timezone(db, cursor) -> None:
    """As Django's `create_cursor`: the cursor loads timestamps in Django's time zone when the connection's
    differs (settings overridden after the connection was made). A connection found to agree with a time zone
    is remembered with it: its loader is set when it opens, and a new time zone is a new object."""
    timezone, agreed = db.timezone, db.__dict__.get(_AGREED_TIMEZONE)
    if agreed is not None and agreed[0] is db.connection and agreed[1] is timezone:
        return  # before the imports below: a function-level import costs more than this whole check
    from django.db.backends.postgresql.base import TIMESTAMPTZ_OID, Format
    from django.db.backends.postgresql.psycopg_any import register_tzloader

    if timezone != db.connection.adapters.get_loader(TIMESTAMPTZ_OID, Format.TEXT).timezone:
        register_tzloader(timezone, cursor)
    else:
        db.__dict__[_AGREED_TIMEZONE] = (db.connection, timezone)
