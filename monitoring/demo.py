"""An exam with learners in running attempts and their sessions, plus a staff member: for the live tests,
the WebSocket benchmark and demos. Returns JWTs and session ids as plain data."""

from exams.models import CourseStaffRole, Exam, User
from exams.services.attempts import create_attempt
from exams.services.dev_tokens import dev_jwt_for
from monitoring.services import ensure_session


def seed_live_exam(*, course_id: str, name: str, learners: int, lms_user_id_base: int) -> dict:
    """`{"exam_id", "staff_username", "staff_token", "learners": [{"token", "session_id", "attempt_id"}, ...]}`
    for a new timed exam."""
    key = course_id.removeprefix("course-v1:")
    exam = Exam.objects.create(
        course_id=course_id,
        content_id=f"block-v1:{key}+type@sequential+block@timed",
        exam_name=name,
        exam_type="timed",
        time_limit_mins=6000,
        is_active=True,
    )
    prefix = key.replace("+", "_").lower()
    staff = User.objects.create(  # an LMS identity like the learners: JWTs name their LMS user id
        username=f"{prefix}_staff", email=f"{prefix}_staff@example.com", lms_user_id=lms_user_id_base + learners
    )
    CourseStaffRole.objects.create(user=staff, course_id=course_id, role="staff")
    users = User.objects.bulk_create(
        [
            User(username=f"{prefix}_{i}", email=f"{prefix}_{i}@example.com", lms_user_id=lms_user_id_base + i)
            for i in range(learners)
        ]
    )
    rows = []
    for user in users:
        attempt = create_attempt(user=user, exam_id=exam.pk, start_clock=True)
        session_id = str(ensure_session(attempt=attempt).pk)
        rows.append({"token": dev_jwt_for(user, hours=4), "session_id": session_id, "attempt_id": attempt.pk})
    return {
        "exam_id": exam.pk,
        "staff_username": staff.username,
        "staff_token": dev_jwt_for(staff, hours=4),
        "learners": rows,
    }
