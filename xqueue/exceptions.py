"""Application errors; views answer them as HTTP 200 with return_code 1 and the message (contract C12)."""


class XQueueError(Exception):
    """An error the client sees as `{"return_code": 1, "content": <message>}`."""

    message = "Request failed"

    def __init__(self, message: str | None = None):
        super().__init__(message or self.message)
        self.message = message or self.message


class InvalidSubmitFormat(XQueueError):
    message = "Queue request has invalid format"


class QueueNotFound(XQueueError):
    def __init__(self, name: str):
        super().__init__(f"Queue '{name}' not found")


class FileTooLarge(XQueueError):
    message = "Uploaded file is too large"


class IncorrectReplyFormat(XQueueError):
    message = "Incorrect reply format"


class SubmissionNotFound(XQueueError):
    message = "Submission does not exist"


class IncorrectKey(XQueueError):
    message = "Incorrect key for submission"


class ResultAlreadyRecorded(XQueueError):
    message = "A different result was already recorded for this submission"


class NotAwaitingResult(XQueueError):
    message = "Submission is no longer awaiting a result"
