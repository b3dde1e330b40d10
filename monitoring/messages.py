"""The declared shape of every WebSocket message a client may send, and the one validator applied before dispatch.

A message is `{"v"?: 1, "type": <declared type>, "data"?: {...}}`. `data` must be an object (absent or null means
`{}`); each declared field, when present, must have its declared type. Anything else is a `MessageError`, which
the consumers answer with a `bad_message` error frame (the socket stays open).
"""

import math
from dataclasses import dataclass

from exams_service.security.inputs import InputError, read_int, read_json, read_str

MAX_MESSAGE_DEPTH = 8


class MessageError(ValueError):
    """A frame that does not match any declared message; `str(error)` is the client's explanation."""


@dataclass(frozen=True)
class Integer:
    minimum: int = 0
    maximum: int = 2**63 - 1

    def read(self, name, value):
        return read_int(value, name=name, minimum=self.minimum, maximum=self.maximum, accept_str=False)


@dataclass(frozen=True)
class Text:
    max_length: int

    def read(self, name, value):
        return read_str(value, name=name, max_length=self.max_length)


@dataclass(frozen=True)
class Stamp:
    """A client timestamp echoed back as sent: a finite number or a short string."""

    def read(self, name, value):
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            raise InputError(f"{name} must be a number or a string.")
        if isinstance(value, float) and not math.isfinite(value):
            raise InputError(f"{name} must be finite.")
        if isinstance(value, int) and abs(value) >= 2**63:
            raise InputError(f"{name} is out of range.")
        return read_str(value, name=name, max_length=64) if isinstance(value, str) else value


@dataclass(frozen=True)
class Shape:
    """Fields of `data`: name → reader; `required` names must be present."""

    fields: dict
    required: tuple = ()


LEARNER_MESSAGES = {
    "hello": Shape({"client_id": Text(128), "last_server_seq": Integer()}),
    "heartbeat": Shape({"ts": Stamp()}),
    "anomaly": Shape({}),  # its fields are checked by services.validate_anomaly (answered with `bad_anomaly`)
    "ack": Shape({"seq": Integer(minimum=1, maximum=2**53 - 1)}, required=("seq",)),
}
DASHBOARD_MESSAGES = {
    "sync": Shape({}),
    "resume": Shape({"after": Integer()}, required=("after",)),
    "command": Shape(
        {"action": Text(32), "session_id": Text(64), "message": Text(1000), "reason": Text(1000)},
        required=("action", "session_id"),
    ),
    "ping": Shape({}),
}


def parse_message(text: str, shapes: dict[str, Shape]) -> tuple[str, dict]:
    """`(type, data)` of a client frame that matches its declared shape, or MessageError."""
    try:
        message = read_json(text, name="The message", max_depth=MAX_MESSAGE_DEPTH)
    except InputError as error:
        raise MessageError(error.detail) from error
    if not isinstance(message, dict):
        raise MessageError("A message must be a JSON object.")
    type_ = message.get("type")
    if not isinstance(type_, str) or type_ not in shapes:
        raise MessageError(f"Unknown message type; expected one of {', '.join(shapes)}.")
    data = message.get("data")
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise MessageError(f"{type_}: data must be an object.")
    shape = shapes[type_]
    for name in shape.required:
        if data.get(name) is None:
            raise MessageError(f"{type_}: data.{name} is required.")
    try:
        checked = {
            name: reader.read(name, data[name]) for name, reader in shape.fields.items() if data.get(name) is not None
        }
    except InputError as error:
        raise MessageError(f"{type_}: {error.detail}") from error
    return type_, {**data, **checked}
