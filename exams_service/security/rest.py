"""The input readers as DRF sees them: the JSON parser of the REST API (and the form parser where the contract
accepts forms), both refusing what `exams_service.security.inputs` refuses."""

from django.conf import settings
from rest_framework.exceptions import ParseError, ValidationError
from rest_framework.parsers import BaseParser, FormParser, MultiPartParser

from exams_service.security.inputs import InputError, TooDeep, UnstorableValue, check_json_value, read_json


def _refusal(error: InputError) -> Exception:
    if isinstance(error, TooDeep):
        return ParseError("JSON parse error - the body is nested too deeply.")
    if isinstance(error, UnstorableValue):
        return ValidationError({"detail": "Invalid data", "errors": {"non_field_errors": [error.detail]}})
    return ParseError(f"JSON parse error - {error.detail}")


class BoundedJSONParser(BaseParser):
    """JSON bodies through `read_json`: bounded size and depth, clean strings, finite numbers; else 400."""

    media_type = "application/json"

    def parse(self, stream, media_type=None, parser_context=None):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 2**31
        raw = stream.read(limit + 1) if stream is not None else b""
        if len(raw) > limit:
            raise ParseError(f"JSON parse error - the body is larger than {limit} bytes.")
        try:
            return read_json(raw, name="The request body", max_bytes=limit)
        except InputError as error:
            raise _refusal(error) from error


class CheckedFormParser(FormParser):
    """`application/x-www-form-urlencoded`, for the few endpoints whose contract accepts forms."""

    def parse(self, stream, media_type=None, parser_context=None):
        data = super().parse(stream, media_type, parser_context)
        try:
            check_json_value(dict(data.lists()), name="The form")
        except InputError as error:
            raise _refusal(error) from error
        return data


class CheckedMultiPartParser(MultiPartParser):
    """`multipart/form-data` fields (no files are read by these endpoints), checked like the form parser's."""

    def parse(self, stream, media_type=None, parser_context=None):
        parsed = super().parse(stream, media_type, parser_context)
        try:
            check_json_value(dict(parsed.data.lists()), name="The form")
        except InputError as error:
            raise _refusal(error) from error
        return parsed
