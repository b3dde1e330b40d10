"""Common base view."""

from rest_framework.exceptions import ValidationError
from rest_framework.views import APIView

from exams.keys import is_valid_course_key
from exams_service import response_headers


class ExamsAPIView(APIView):
    """Authenticated JSON view; a `course_id` URL argument must be a valid course key."""

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        course_id = kwargs.get("course_id")
        if course_id is not None and not is_valid_course_key(course_id):
            raise ValidationError({"detail": f"Invalid course key: {course_id}"})

    def finalize_response(self, request, response, *args, **kwargs):
        response_headers.adopt(response)  # before DRF and the middlewares add theirs
        return super().finalize_response(request, response, *args, **kwargs)


def require_list(data, *, what: str = "items") -> list:
    """Reject a body that is not a JSON array."""
    if not isinstance(data, list):
        message = f'Expected a list of {what} but got type "{type(data).__name__}".'
        raise ValidationError({"detail": "Invalid data", "errors": {"non_field_errors": [message]}})
    return data


def invalid_list_data(serializer) -> ValidationError:
    """`{"detail": "Invalid data", "errors": [...]}` for a ListSerializer: one entry per item, `{}` when valid.

    DRF reports list errors as `{index: errors}` for failing items only; clients expect the reference's list.
    List-level errors (e.g. `non_field_errors`) stay a dict.
    """
    errors = serializer.errors
    if isinstance(errors, dict) and errors and all(isinstance(key, int) for key in errors):
        errors = [errors.get(index, {}) for index in range(len(serializer.initial_data))]
    return ValidationError({"detail": "Invalid data", "errors": errors})
