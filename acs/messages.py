"""Parsing an ACS control request (IMS Proctoring Services §ACS) into a typed value; 400 naming the bad field."""

import hashlib
import json
import math
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils.dateparse import parse_datetime

from acs.errors import AcsError
from exams_service.security.inputs import InputError, clean_text_problem, read_int, read_json, read_str
from lti.api import ACS_ACTIONS

TERMINATE, FLAG, PAUSE, RESUME, UPDATE = "terminate", "flag", "pause", "resume", "update"
MEDIA_TYPES = ("application/json", "application/vnd.ims.lti-ap.v1.control+json")
MAX_EXTRA_TIME_SECONDS = 7 * 24 * 3600
MAX_INT = 2**31 - 1
MAX_DEPTH = 20


@dataclass(frozen=True)
class ControlRequest:
    user_sub: str
    resource_link_id: str
    attempt_number: int
    action: str
    incident_time: datetime
    severity: Decimal | None  # as sent; the record stores it rounded to 2 places
    reason_code: str
    reason_message: str
    extra_time_seconds: int | None
    raw_body: dict
    fingerprint: str  # hash of the canonical body: a repeated request is recognised by it


def _bad(field: str, problem: str) -> AcsError:
    return AcsError(f"{field}: {problem}", 400)


def _string(field: str, value, required: bool = True, max_length: int = 4096) -> str:
    if value is None or value == "":
        if required:
            raise _bad(field, "this field is required.")
        return ""
    if not isinstance(value, str):
        raise _bad(field, "must be a string.")
    try:
        return read_str(value, name=field, max_length=max_length)
    except InputError as error:
        raise _bad(field, error.detail.removeprefix(f"{field} ")) from error


def _object(body: dict, field: str) -> dict:
    value = body.get(field)
    if value is None:
        raise _bad(field, "this field is required.")
    if not isinstance(value, dict):
        raise _bad(field, "must be an object.")
    return value


def _integer(field: str, value) -> int:
    """An integer as a number or an ASCII-digit string (bounded: no 5,000-digit or Unicode-digit strings)."""
    try:
        return read_int(value, name=field, minimum=-MAX_INT, maximum=MAX_INT, accept_float=True)
    except InputError as error:
        raise _bad(field, "must be an integer.") from error


def _incident_time(value) -> datetime:
    if value is None or value == "":
        raise _bad("incident_time", "this field is required.")
    try:
        parsed = parse_datetime(value) if isinstance(value, str) else None
        if parsed is not None:
            parsed = (parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)).astimezone(UTC)
    except (ValueError, OverflowError):
        parsed = None
    if parsed is None:
        raise _bad("incident_time", "must be an ISO 8601 date-time.")
    return parsed


def _severity(value, required: bool) -> Decimal | None:
    if value is None or value == "":
        if required:
            raise _bad("incident_severity", "this field is required.")
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise _bad("incident_severity", "must be a number between 0 and 1.")
    try:
        severity = Decimal(str(value).strip())
    except InvalidOperation as exc:
        raise _bad("incident_severity", "must be a number between 0 and 1.") from exc
    if not severity.is_finite() or not Decimal(0) <= severity <= Decimal(1):
        raise _bad("incident_severity", "must be a number between 0 and 1.")
    return severity


def _reason_code(value, required: bool) -> str:
    """A string, or a number treated like its string (`1` and `1.0` are "1")."""
    if value is None or value == "":
        if required:
            raise _bad("reason_code", "this field is required.")
        return ""
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise _bad("reason_code", "must be a string or a number.")
    if isinstance(value, float):
        if not math.isfinite(value):
            raise _bad("reason_code", "must be a string or a number.")
        value = int(value) if value.is_integer() else value
    code = str(value).strip()
    if clean_text_problem(code):
        raise _bad("reason_code", f"{clean_text_problem(code)}.")
    if len(code) > 64:
        raise _bad("reason_code", "at most 64 characters.")
    return code


def _extra_time(body: dict, action: str) -> int | None:
    """`extra_time` (or `extended_time`), in seconds; required and positive for `update`."""
    values = {name: body[name] for name in ("extra_time", "extended_time") if body.get(name) is not None}
    if len(set(map(str, values.values()))) > 1:
        raise _bad("extra_time", "extra_time and extended_time differ.")
    if not values:
        if action == UPDATE:
            raise _bad("extra_time", "this field is required for update.")
        return None
    field, value = next(iter(values.items()))
    seconds = _integer(field, value)
    if seconds < 0 or (action == UPDATE and seconds == 0) or seconds > MAX_EXTRA_TIME_SECONDS:
        raise _bad(field, f"must be a positive number of seconds (at most {MAX_EXTRA_TIME_SECONDS}).")
    return seconds or None


def fingerprint_of(body: dict) -> str:
    return hashlib.sha256(json.dumps(body, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


def parse_json(raw: bytes):
    """The JSON value of a request body; 400 for invalid, too deeply nested, NUL- or surrogate-carrying JSON."""
    try:
        return read_json(raw or b"null", name="The request body JSON", max_depth=MAX_DEPTH)
    except InputError as error:
        raise AcsError(error.detail, 400) from error


def parse_control_request(body) -> ControlRequest:
    if not isinstance(body, dict):
        raise AcsError("The request body must be a JSON object.", 400)
    user = _object(body, "user")
    resource_link = _object(body, "resource_link")
    user_sub = _string("user.sub", user.get("sub"))
    resource_link_id = _string("resource_link.id", resource_link.get("id"))
    if body.get("attempt_number") is None:
        raise _bad("attempt_number", "this field is required.")
    attempt_number = _integer("attempt_number", body["attempt_number"])
    if not 1 <= attempt_number <= MAX_INT:
        raise _bad("attempt_number", "must be a positive integer.")
    action = _string("action", body.get("action"))
    if action not in ACS_ACTIONS:
        raise _bad("action", f"must be one of {', '.join(ACS_ACTIONS)}.")
    incident_time = _incident_time(body.get("incident_time"))
    severity = _severity(body.get("incident_severity"), required=action == TERMINATE)
    reason_code = _reason_code(body.get("reason_code"), required=action == TERMINATE)
    reason_field = "reason_msg" if body.get("reason_msg") is not None else "reason_message"
    reason_message = _string(reason_field, body.get(reason_field), required=False)
    return ControlRequest(
        user_sub=user_sub,
        resource_link_id=resource_link_id,
        attempt_number=attempt_number,
        action=action,
        incident_time=incident_time,
        severity=severity,
        reason_code=reason_code,
        reason_message=reason_message,
        extra_time_seconds=_extra_time(body, action),
        raw_body=body,
        fingerprint=fingerprint_of(body),
    )


def stored_severity(severity: Decimal | None) -> Decimal | None:
    return None if severity is None else severity.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
