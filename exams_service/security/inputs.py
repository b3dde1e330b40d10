"""The one way to read each kind of client input: integers, strings, JSON documents.

Every reader either returns a value the database and the renderers can take, or raises `InputError` with a
message for the client (views turn it into a 400 `{"detail"}`, sockets into a `bad_message` frame).
"""

import json
import math
import re

MAX_INT = 2**63 - 1  # the widest column we store (BigAutoField / bigint)
MAX_INT_DIGITS = 19
MAX_JSON_DEPTH = 20
MAX_JSON_BYTES = 1024 * 1024
# `read_str`'s rule as a JSON Schema pattern for URL parameters: no NUL. (Lone surrogates cannot travel in a URL:
# percent-decoding yields UTF-8 or U+FFFD. A surrogate range here would refuse emoji in ECMA-262's UTF-16 regexes.)
URL_TEXT_PATTERN = r"^[^\x00]*$"
_ASCII_INTEGER = re.compile(rf"-?[0-9]{{1,{MAX_INT_DIGITS}}}", re.ASCII)


class InputError(ValueError):
    """A client value that cannot be accepted; `str(error)` is the message for the client."""

    def __init__(self, detail: str):
        super().__init__(detail)
        self.detail = detail


class TooDeep(InputError):
    """A JSON document nested deeper than allowed."""


class UnstorableValue(InputError):
    """Well-formed JSON carrying a value nothing downstream can store or render (NUL, lone surrogate, ±inf)."""


def read_int(
    value, *, name: str, minimum: int = 0, maximum: int = MAX_INT, accept_str: bool = True, accept_float: bool = False
) -> int:
    """An integer in [minimum, maximum] from an int, an ASCII-digit string or (if allowed) an integral float."""
    problem = f"{name} must be an integer from {minimum} to {maximum}."
    if isinstance(value, bool):
        raise InputError(problem)
    if isinstance(value, float) and accept_float:
        if not math.isfinite(value) or not value.is_integer() or not minimum <= value <= maximum:
            raise InputError(problem)
        return int(value)
    if isinstance(value, str) and accept_str:
        text = value.strip(" \t")
        if not _ASCII_INTEGER.fullmatch(text):
            raise InputError(problem)
        value = int(text)
    if not isinstance(value, int) or not minimum <= value <= maximum:
        raise InputError(problem)
    return value


def clean_text_problem(text: str) -> str | None:
    """Why `text` cannot be stored or rendered (NUL, lone surrogate), or None."""
    if "\x00" in text:
        return "must not contain NUL characters"
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return "must be valid Unicode (no lone surrogates)"
    return None


def read_str(value, *, name: str, max_length: int, required: bool = False) -> str:
    """A string without NUL or lone surrogates, at most `max_length` characters; "" when absent and optional."""
    if value is None or value == "":
        if required:
            raise InputError(f"{name} is required.")
        return ""
    if not isinstance(value, str):
        raise InputError(f"{name} must be a string.")
    problem = clean_text_problem(value)
    if problem:
        raise InputError(f"{name} {problem}.")
    if len(value) > max_length:
        raise InputError(f"{name} must be at most {max_length} characters.")
    return value


def check_json_value(value, *, name: str = "The JSON document", max_depth: int = MAX_JSON_DEPTH):
    """Raise InputError unless `value` is at most `max_depth` deep with clean strings/keys and finite numbers."""
    level, depth = [value], 0  # depth counts containers, as `_nesting_exceeds` counts brackets
    while level:
        children, containers = [], False
        for item in level:
            if isinstance(item, str):
                problem = clean_text_problem(item)
                if problem:
                    raise UnstorableValue(f"{name}: strings {problem}.")
            elif isinstance(item, float) and not math.isfinite(item):
                raise UnstorableValue(f"{name}: numbers must be finite.")
            elif isinstance(item, dict):
                containers = True
                children.extend(item.keys())
                children.extend(item.values())
            elif isinstance(item, list):
                containers = True
                children.extend(item)
        if containers:
            depth += 1
            if depth > max_depth:
                raise TooDeep(f"{name} is nested more than {max_depth} levels deep.")
        level = children
    return value


def _refuse_constant(constant: str):
    raise InputError(f"{constant} is not valid JSON.")


def _nesting_exceeds(text: str, max_depth: int) -> bool:
    """True when brackets outside strings nest deeper than `max_depth` (checked before parsing: no recursion)."""
    depth = 0
    for token in re.finditer(r'"(?:[^"\\]|\\.)*"|[\[\]{}]', text):
        char = token.group()
        if char in "[{":
            depth += 1
            if depth > max_depth:
                return True
        elif char in "]}":
            depth -= 1
    return False


def read_json(
    raw, *, name: str = "The JSON document", max_depth: int = MAX_JSON_DEPTH, max_bytes: int = MAX_JSON_BYTES
):
    """Parse a client's JSON text (str or UTF-8 bytes) into a value `check_json_value` accepts."""
    if raw is None:
        raise InputError(f"{name} is required.")
    if len(raw) > max_bytes:
        raise InputError(f"{name} is larger than {max_bytes} bytes.")
    if isinstance(raw, bytes | bytearray):
        try:
            raw = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise InputError(f"{name} is not UTF-8.") from exc
    if not isinstance(raw, str):
        raise InputError(f"{name} must be a JSON string.")
    if _nesting_exceeds(raw, max_depth):
        raise TooDeep(f"{name} is nested more than {max_depth} levels deep.")
    try:
        value = json.loads(raw, parse_constant=_refuse_constant)
    except (ValueError, RecursionError) as exc:
        if isinstance(exc, InputError):
            raise
        raise InputError(f"{name} is not valid JSON.") from exc
    return check_json_value(value, name=name, max_depth=max_depth)
