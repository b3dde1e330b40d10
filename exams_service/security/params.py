"""URL parameters declared once: the check a view runs and the OpenAPI schema it advertises come from one spec.

Each spec reads through the input readers (`inputs.py`) with its own bounds; `schema()` states the same bounds
as JSON Schema, so the published schema can promise neither more nor less than the view accepts
(tests/test_schema_truth.py holds every operation to it).
"""

import re
import uuid
from dataclasses import dataclass

from drf_spectacular.utils import OpenApiParameter

from exams_service.security.inputs import MAX_INT, URL_TEXT_PATTERN, InputError, read_int, read_str

ID_DIGITS = 18  # ids in URLs: up to 18 ASCII digits, so every one fits a bigint column
ID_REGEX = rf"[0-9]{{1,{ID_DIGITS}}}"
UUID_PATTERN = r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"


@dataclass(frozen=True)
class IntParam:
    """An integer in [minimum, maximum] (ASCII digits, see `read_int`)."""

    name: str
    minimum: int = 0
    maximum: int = MAX_INT
    required: bool = False
    description: str = ""

    def read(self, raw) -> int:
        return read_int(raw, name=self.name, minimum=self.minimum, maximum=self.maximum)

    def schema(self) -> dict:
        return {"type": "integer", "minimum": self.minimum, "maximum": self.maximum}

    def openapi(self) -> OpenApiParameter:
        return OpenApiParameter(self.name, self.schema(), required=self.required, description=self.description)


@dataclass(frozen=True)
class TextParam:
    """A string of at most `max_length` characters matching `pattern` (JSON Schema semantics: `re.search`)."""

    name: str
    max_length: int
    pattern: str = URL_TEXT_PATTERN
    required: bool = False
    description: str = ""

    def read(self, raw) -> str:
        value = read_str(raw, name=self.name, max_length=self.max_length, required=self.required)
        if value and not re.search(self.pattern, value):
            raise InputError(f"{self.name} does not have the expected form.")
        return value

    def schema(self) -> dict:
        return {"type": "string", "maxLength": self.max_length, "pattern": self.pattern}

    def openapi(self) -> OpenApiParameter:
        return OpenApiParameter(self.name, self.schema(), required=self.required, description=self.description)


@dataclass(frozen=True)
class UuidParam(TextParam):
    """A UUID in its canonical 8-4-4-4-12 hex form."""

    max_length: int = 36
    pattern: str = UUID_PATTERN

    def read(self, raw) -> uuid.UUID | None:
        value = super().read(raw)
        return uuid.UUID(value) if value else None

    def schema(self) -> dict:
        return {**super().schema(), "format": "uuid"}


class IdConverter:
    """`<id:name>` in a URL: the digits of an id (`ID_REGEX`, which drf-spectacular publishes as the pattern), as an
    int. Django's `<int:>` takes any number of digits, larger than any id column."""

    regex = ID_REGEX

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value) -> str:
        return str(value)
