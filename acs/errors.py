"""The ACS error type: a message and the 4xx it answers with."""

from exams.api import ExamsError


class AcsError(ExamsError):
    def __init__(self, detail: str, status_code: int = 400):
        super().__init__(detail)
        self.status_code = status_code
