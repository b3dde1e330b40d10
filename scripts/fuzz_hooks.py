"""Loaded by `make fuzz` into schemathesis (SCHEMATHESIS_HOOKS): one `ast.parse` at a time.

CPython 3.11 keeps the AST constructor's recursion depth in interpreter-wide state, so two threads parsing at once
can fail with "SystemError: AST constructor recursion depth mismatch" (python/cpython#106905). Hypothesis parses
lambda sources to describe filtered strategies, in each of schemathesis's worker threads; CI saw it crash one
operation's coverage phase. Serializing the parse keeps both workers and the coverage.
"""

import ast
import threading

_lock = threading.Lock()
_parse = ast.parse


def _serialized_parse(*args, **kwargs):
    with _lock:
        return _parse(*args, **kwargs)


ast.parse = _serialized_parse
