"""Two kinds of identity: existing password accounts, superusers and xqueue accounts become local accounts."""

import exams.models.users
from django.db import migrations, models


XQUEUE_GROUPS = ("xqueue_graders", "xqueue_lms")


def classify_existing_users(apps, schema_editor):
    """Local = has a usable password, is a superuser, or holds an xqueue role; the rest came from LMS JWTs.

    Local accounts lose their `lms_user_id` (the LMS identity is a different user); of LMS users sharing one
    `lms_user_id`, the newest keeps it and the others are matched again by username on their next JWT.
    """
    User = apps.get_model("exams", "User")
    local = User.objects.filter(
        models.Q(is_superuser=True)
        | models.Q(groups__name__in=XQUEUE_GROUPS)
        | (~models.Q(password="") & ~models.Q(password__startswith="!"))
    )
    local_ids = set(local.values_list("pk", flat=True))
    User.objects.filter(pk__in=local_ids).update(identity_kind="local", lms_user_id=None)
    seen = set()
    for pk, lms_user_id in (
        User.objects.filter(lms_user_id__isnull=False).order_by("-pk").values_list("pk", "lms_user_id")
    ):
        if lms_user_id in seen:
            User.objects.filter(pk=pk).update(lms_user_id=None)
        seen.add(lms_user_id)


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("exams", "0002_attempt_reviews"),
    ]

    operations = [
        migrations.AlterModelManagers(
            name="user",
            managers=[
                ("objects", exams.models.users.LocalAccountManager()),
            ],
        ),
        migrations.AddField(
            model_name="user",
            name="identity_kind",
            field=models.CharField(
                choices=[
                    ("lms", "LMS identity (JWT, LTI launch session, role events)"),
                    ("local", "Local account (password login: admin, xqueue)"),
                ],
                db_index=True,
                default="lms",
                help_text="LMS identities arrive by JWT and never log in with a password; local accounts are the reverse.",
                max_length=8,
            ),
        ),
        migrations.RunPython(classify_existing_users, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="user",
            name="lms_user_id",
            field=models.IntegerField(blank=True, null=True, unique=True),
        ),
        migrations.AddConstraint(
            model_name="user",
            constraint=models.CheckConstraint(
                condition=models.Q(("identity_kind__in", ["lms", "local"])), name="exams_user_kind_valid"
            ),
        ),
        migrations.AddConstraint(
            model_name="user",
            constraint=models.CheckConstraint(
                condition=models.Q(("identity_kind", "lms"), ("lms_user_id__isnull", True), _connector="OR"),
                name="exams_user_local_has_no_lms_id",
            ),
        ),
    ]
