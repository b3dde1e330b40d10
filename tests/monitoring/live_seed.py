"""`python -m tests.monitoring.live_seed N`: a course, a timed exam, N learners with running attempts, a staff
member; prints JSON tokens and session ids for the live tests and the benchmark."""

import json
import sys

import django


def main(learners: int) -> dict:
    django.setup()
    from exams.models import CourseStaffRole, Exam, User
    from exams.services.attempts import create_attempt
    from exams.services.dev_tokens import dev_jwt_for
    from monitoring.services import ensure_session

    course_id = "course-v1:Live+Mon+2026"
    exam = Exam.objects.create(
        course_id=course_id,
        content_id="block-v1:Live+Mon+2026+type@sequential+block@timed",
        exam_name="Live monitoring exam",
        exam_type="timed",
        time_limit_mins=600,
        is_active=True,
    )
    staff = User.objects.create(username="live_staff", email="staff@example.com", lms_user_id=900001)
    CourseStaffRole.objects.create(user=staff, course_id=course_id, role="staff")
    rows = []
    for index in range(learners):
        user = User.objects.create(username=f"live{index}", email=f"l{index}@example.com", lms_user_id=100000 + index)
        attempt = create_attempt(user=user, exam_id=exam.pk, start_clock=True)
        rows.append({"token": dev_jwt_for(user, hours=4), "session_id": str(ensure_session(attempt=attempt).pk)})
    return {"exam_id": exam.pk, "staff_token": dev_jwt_for(staff, hours=4), "learners": rows}


if __name__ == "__main__":
    print(json.dumps(main(int(sys.argv[1]) if len(sys.argv) > 1 else 1)))
