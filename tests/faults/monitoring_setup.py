"""Learners with running attempts and proctoring sessions, and a proctor, for the WebSocket fault tests."""

from tests.conftest import auth_header, make_user
from tests.faults.conftest import call, learners


def sessions_for(port: int, exam, count: int, prefix: str) -> list[tuple[str, str]]:
    """Start `count` attempts through the API of the server on `port`; (session_id, Authorization) each."""
    base = f"http://127.0.0.1:{port}/api/v1"
    sessions = []
    for user in learners(count, prefix=prefix):
        status, reply = call("POST", f"{base}/exams/attempt", user, {"exam_id": exam.pk, "start_clock": "true"})
        assert status == 200, reply
        status, session = call("POST", f"{base}/proctoring/sessions", user, {"attempt_id": reply["exam_attempt_id"]})
        assert status in (200, 201), session
        sessions.append((session["session_id"], auth_header(user)))
    return sessions


def proctor():
    """Global staff watching the exam: (user, Authorization header)."""
    user = make_user("fault_proctor", is_staff=True)
    return user, auth_header(user)
