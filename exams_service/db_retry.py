"""Retry the database errors a correct program can still meet: deadlocks, serialization failures, lock wait
timeouts and a connection lost between statements (a restarted or failed-over server, `pg_terminate_backend`).

Only a call that owns its transaction is retried (inside a caller's `atomic` block the caller must decide), so
the work either committed once or rolled back entirely before it runs again. Callers retry idempotent work only
(a presence change to a state, an anomaly with its client_seq, a read).
"""

import functools
import logging
import random
import threading
import time

from django.db import DatabaseError, InterfaceError, OperationalError, connections

log = logging.getLogger(__name__)

# PostgreSQL SQLSTATEs: deadlock, serialization failure, lock timeout, server shutdown / backend terminated,
# and the connection exception class (08xxx).
RETRYABLE_SQLSTATES = {"40P01", "40001", "55P03", "57P01", "57P02", "57P03"}
# MySQL/MariaDB error numbers: deadlock, lock wait timeout, server gone away, lost connection.
RETRYABLE_MYSQL_ERRORS = {1213, 1205, 2006, 2013}
_retrying = threading.local()


def is_retryable(error: BaseException) -> bool:
    if isinstance(error, InterfaceError):
        return True  # the connection was already closed under us
    if not isinstance(error, OperationalError):
        return False
    cause = error.__cause__
    sqlstate = getattr(cause, "sqlstate", None)
    if sqlstate is not None:
        return sqlstate in RETRYABLE_SQLSTATES or sqlstate.startswith("08")
    args = getattr(cause, "args", None) or error.args
    if args and isinstance(args[0], int):
        return args[0] in RETRYABLE_MYSQL_ERRORS
    # psycopg raises OperationalError without a SQLSTATE when the socket is gone; SQLite when it is locked
    message = str(error).lower()
    return any(word in message for word in ("connection", "closed", "terminat", "database is locked"))


def retry_database_errors(function=None, *, attempts: int = 4, base_delay: float = 0.05):
    """Decorator: run again (after a short random back-off) on a retryable error, up to `attempts` times."""
    if function is None:
        return functools.partial(retry_database_errors, attempts=attempts, base_delay=base_delay)

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        if getattr(_retrying, "active", False):  # an outer call retries the whole of it
            return function(*args, **kwargs)
        for attempt in range(1, attempts + 1):
            owns_transaction = not any(connections[alias].in_atomic_block for alias in connections)
            _retrying.active = True
            try:
                return function(*args, **kwargs)
            except DatabaseError as error:
                if not owns_transaction or attempt == attempts or not is_retryable(error):
                    raise
                log.warning("Retrying %s after %r (attempt %s)", function.__qualname__, error, attempt)
                for alias in connections:  # a broken connection is replaced, a healthy one kept
                    connections[alias].close_if_unusable_or_obsolete()
                time.sleep(base_delay * attempt * (1 + random.random()))
            finally:
                _retrying.active = False
        raise AssertionError("unreachable")

    return wrapper
