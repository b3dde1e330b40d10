"""drf-spectacular postprocessing: declare the refusals every operation can give, with the `{"detail"}` shape.

Views and serializers describe their successes; the errors are the same everywhere (exams.rest.errors), so they
are declared once here rather than on each view.
"""

ERROR_RESPONSES = {
    "400": "The request is invalid (the detail says what is wrong).",
    "401": "Missing, invalid or expired JWT.",
    "403": "The user may not do this.",
    "404": "No such object (or URL).",
    "405": "Method not allowed.",
    "409": "The object is not in a state that allows this.",
    "415": "Unsupported media type: send JSON.",
    "503": "A dependency (database, legacy service) is unavailable; retry after Retry-After.",
}
# `{"detail": "..."}`; serializer validation errors of the contract's PATCH endpoints name the field instead.
ERROR_SCHEMA = {"type": "object", "properties": {"detail": {"type": "string"}, "errors": {}}}
# Answers without a body the serializer describes: no running attempt, no exam for the content id.
EMPTY_ANSWERS = {
    ("/api/v1/exams/attempt/latest/", "get"): {"type": "object", "maxProperties": 0},
}


def _allow_empty_exam(schemas: dict) -> None:
    """The student exam payload is `{"exam": {}}` when the content id names no exam."""
    for schema in schemas.values():
        exam = schema.get("properties", {}).get("exam")
        if exam and exam.get("$ref") == "#/components/schemas/StudentExam":
            schema["properties"]["exam"] = {"oneOf": [exam, {"type": "object", "maxProperties": 0}]}


def declare_error_responses(result, generator, request, public):
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas["ErrorDetail"] = ERROR_SCHEMA
    _allow_empty_exam(schemas)
    error = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorDetail"}}}
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            for status, description in ERROR_RESPONSES.items():
                responses.setdefault(status, {"description": description, "content": error})
            empty = EMPTY_ANSWERS.get((path, method))
            ok = responses.get("200", {}).get("content", {}).get("application/json")
            if empty and ok and "schema" in ok:
                ok["schema"] = {"oneOf": [ok["schema"], empty]}
    return result
