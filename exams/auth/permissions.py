"""Permission classes: course staff = global staff or any CourseStaffRole in the URL's course."""

from rest_framework.permissions import SAFE_METHODS, BasePermission

from exams.selectors import is_course_staff


class IsCourseStaff(BasePermission):
    """Authenticated and (is_staff or course staff of `view.kwargs['course_id']`)."""

    def has_permission(self, request, view):
        user = request.user
        if not (user and user.is_authenticated):
            return False
        return is_course_staff(user, view.kwargs.get("course_id", ""))


class IsCourseStaffOrReadOnly(IsCourseStaff):
    """Any authenticated user may read; writes need course staff."""

    def has_permission(self, request, view):
        if request.method in SAFE_METHODS:
            return bool(request.user and request.user.is_authenticated)
        return super().has_permission(request, view)
