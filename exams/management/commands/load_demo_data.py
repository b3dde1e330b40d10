"""`manage.py load_demo_data`: the quickstart course, users and exams, then how to call the API."""

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from exams.models import Exam
from exams.services.demo_data import (
    DEMO_ADMIN_PASSWORD,
    DEMO_COURSE_ID,
    DEMO_PROCTORED_CONTENT_ID,
    DEMO_TIMED_CONTENT_ID,
    load_demo_data,
)
from exams.services.dev_tokens import dev_jwt_for
from exams_service.security.dev_tools import dev_tools_enabled


class Command(BaseCommand):
    help = "Load the demo course (idempotent) and print URLs, the admin login and JWT headers."

    def handle(self, *args, **options):
        if not dev_tools_enabled():
            raise CommandError("load_demo_data creates an admin/admin superuser: development settings only.")
        users = load_demo_data()
        if apps.is_installed("lti.demo_tool"):  # settings/local.py: register the demo LTI tool (docs/lti.md)
            from lti.demo_tool.setup import register_demo_tool

            register_demo_tool()
        base = settings.EXAMS_SERVICE_URL.rstrip("/")
        exam_ids = dict(Exam.objects.filter(course_id=DEMO_COURSE_ID, is_active=True).values_list("content_id", "pk"))
        timed_id, proctored_id = exam_ids.get(DEMO_TIMED_CONTENT_ID), exam_ids.get(DEMO_PROCTORED_CONTENT_ID)
        # development tools are on (checked above): the local sign-in sets the JWT cookie pair, then opens the dashboard
        dashboard = f"/dev/login/course_staff?next=/monitoring/exams/{proctored_id}/"
        lines = [
            "",
            "Exams service demo data loaded.",
            f"  API docs:  {base}/api-docs/",
            f"  Admin:     {base}/admin/  (login: admin / {DEMO_ADMIN_PASSWORD})",
            f"  Health:    {base}/health/",
            f"  Start:     {base}/",
            f"  Course:    {DEMO_COURSE_ID}  (timed exam id {timed_id}, proctored exam id {proctored_id})",
            f"  Dashboard: {base}{dashboard}  (proctor dashboard of the proctored exam, as course_staff)",
            *(
                [f"  LTI demo:  {base}/lti/demo_tool/  (proctored exam end to end)"]
                if apps.is_installed("lti.demo_tool")
                else []
            ),
            "",
            "Ready-to-paste headers (valid 24 h; mint more with `manage.py mint_dev_jwt USERNAME`):",
        ]
        for username, user in users.items():
            lines.append(f"  {username:13} Authorization: JWT {dev_jwt_for(user)}")
        lines.append("")
        self.stdout.write("\n".join(lines))
