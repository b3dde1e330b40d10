"""Domain errors raised by services; the REST layer turns them into `{"detail": ...}` responses."""


class ExamsError(Exception):
    """Base class: `status_code` is the HTTP status the REST layer answers with."""

    status_code = 400

    def __init__(self, detail: str):
        super().__init__(detail)
        self.detail = detail


class NotFound(ExamsError):
    status_code = 404


class PermissionDenied(ExamsError):
    status_code = 403


class Conflict(ExamsError):
    status_code = 409


class ExamDoesNotExist(ExamsError):
    """Kept as 400 where the contract answers 400 for an unknown exam."""


class IllegalStatusTransition(ExamsError):
    pass


class AttemptAlreadyExists(ExamsError):
    pass


class AttemptOnPastDueExam(ExamsError):
    pass


class IdentityClaimsInvalid(ExamsError):
    """An LMS token without a usable `preferred_username` or `user_id` (answered 401)."""

    status_code = 401


class IdentityRefused(ExamsError):
    """An LMS identity that would land on a local account (answered 403, logged)."""

    status_code = 403
