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
EMPTY_OBJECT = {"type": "object", "maxProperties": 0}
# Answers without a body the serializer describes: no running attempt.
EMPTY_ANSWERS = {
    ("/api/v1/exams/attempt/latest/", "get"): EMPTY_OBJECT,
}
# Object-valued properties that are `{}` when there is nothing to show: (component, property).
EMPTY_PROPERTIES = {
    ("StudentExamResponse", "exam"),  # the content id names no exam
    ("StudentExam", "attempt"),  # the learner has no attempt at the exam
}


def _allow_empty_objects(schemas: dict) -> None:
    for component, name in EMPTY_PROPERTIES:
        properties = schemas[component]["properties"]
        declared = properties[name]
        inner = declared["allOf"][0] if "allOf" in declared else declared  # spectacular wraps readOnly refs
        properties[name] = {"oneOf": [inner, dict(EMPTY_OBJECT)]}


def declare_course_keys(result, generator, request, public):
    """`course_id` in a path: the URL regex (the reference's) lets through what `ExamsAPIView` then refuses with
    400; the schema states the course key form the views accept (exams.keys.COURSE_KEY_PATTERN)."""
    from exams.keys import COURSE_KEY_PATTERN

    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            for parameter in operation.get("parameters", []):
                if parameter["in"] == "path" and parameter["name"] == "course_id":
                    parameter["schema"] = {"type": "string", "pattern": COURSE_KEY_PATTERN}
    return result


def declare_error_responses(result, generator, request, public):
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas["ErrorDetail"] = ERROR_SCHEMA
    _allow_empty_objects(schemas)
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
