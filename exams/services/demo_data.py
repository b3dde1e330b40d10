"""Demo course for the quickstart: idempotent, so `make run` can load it every time."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from exams.models import CourseExamConfiguration, CourseStaffRole, Exam, IdentityKind, ProctoringProvider, User

DEMO_COURSE_ID = "course-v1:edX+DemoX+Demo_Course"
DEMO_TIMED_CONTENT_ID = "block-v1:edX+DemoX+Demo_Course+type@sequential+block@timed_exam"
DEMO_PROCTORED_CONTENT_ID = "block-v1:edX+DemoX+Demo_Course+type@sequential+block@proctored_exam"
DEMO_ADMIN_USERNAME = "admin"
DEMO_ADMIN_PASSWORD = "admin"
# LMS identities (they get JWTs); the admin is a separate local account with a password (docs/security.md)
DEMO_USERS = {
    "learner": {"lms_user_id": 3, "email": "learner@example.com", "full_name": "Demo Learner"},
    # the README's quick try: its own learner, so the proctored demo of `learner` is never blocked by it
    "timed_learner": {"lms_user_id": 6, "email": "timed_learner@example.com", "full_name": "Demo Timed Learner"},
    "course_staff": {"lms_user_id": 4, "email": "staff@example.com", "full_name": "Demo Course Staff"},
    "global_staff": {
        "lms_user_id": 5,
        "email": "global_staff@example.com",
        "full_name": "Demo Global Staff",
        "is_staff": True,
    },
}


@transaction.atomic
def load_demo_data() -> dict[str, User]:
    """The demo LMS users by username (the local admin account is created but not returned)."""
    admin = User.objects.filter(username=DEMO_ADMIN_USERNAME).first()
    if admin is None or not admin.is_local_account:
        if admin is not None:
            admin.delete()  # a development database from before local accounts existed
        User.objects.create_superuser(DEMO_ADMIN_USERNAME, "admin@example.com", DEMO_ADMIN_PASSWORD)
    users = {}
    for username, fields in DEMO_USERS.items():
        user, _ = User.objects.update_or_create(
            username=username, defaults={**fields, "identity_kind": IdentityKind.LMS}
        )
        users[username] = user
    CourseStaffRole.objects.get_or_create(user=users["course_staff"], course_id=DEMO_COURSE_ID, role="staff")
    provider, _ = ProctoringProvider.objects.get_or_create(
        name="demo_proctoring",
        defaults={"verbose_name": "Demo Proctoring", "tech_support_email": "support@proctoring.example.com"},
    )
    CourseExamConfiguration.objects.get_or_create(
        course_id=DEMO_COURSE_ID, defaults={"provider": provider, "escalation_email": "escalation@example.com"}
    )
    due = timezone.now() + timedelta(days=365)
    Exam.objects.get_or_create(
        course_id=DEMO_COURSE_ID,
        content_id=DEMO_TIMED_CONTENT_ID,
        is_active=True,
        defaults={"exam_name": "Demo timed exam", "exam_type": "timed", "time_limit_mins": 30, "due_date": due},
    )
    Exam.objects.get_or_create(
        course_id=DEMO_COURSE_ID,
        content_id=DEMO_PROCTORED_CONTENT_ID,
        is_active=True,
        defaults={
            "exam_name": "Demo proctored exam",
            "exam_type": "proctored",
            "time_limit_mins": 60,
            "due_date": due,
            "provider": provider,
        },
    )
    return users
