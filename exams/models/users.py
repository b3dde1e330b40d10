import uuid

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models

from exams_service.security import service_secrets


class IdentityKind(models.TextChoices):
    """Which door a user comes through; the two never meet (docs/security.md)."""

    LMS = "lms", "LMS identity (JWT, LTI launch session, role events)"
    LOCAL = "local", "Local account (password login: admin, xqueue)"


class LocalAccountManager(UserManager):
    """`create_user` / `create_superuser` (createsuperuser, tests) make password accounts: local ones."""

    def _create_user(self, username, email, password, **extra_fields):
        extra_fields.setdefault("identity_kind", IdentityKind.LOCAL)
        return super()._create_user(username, email, password, **extra_fields)


class User(AbstractUser):
    """A learner or course team member from the LMS, or a local account (admin, xqueue grader/LMS)."""

    full_name = models.CharField(max_length=255, blank=True, default="")
    lms_user_id = models.IntegerField(null=True, blank=True, unique=True)
    anonymous_user_id = models.UUIDField(default=uuid.uuid4, editable=False, unique=True)
    identity_kind = models.CharField(
        max_length=8,
        choices=IdentityKind.choices,
        default=IdentityKind.LMS,
        db_index=True,
        help_text="LMS identities arrive by JWT and never log in with a password; local accounts are the reverse.",
    )

    objects = LocalAccountManager()

    class Meta:
        db_table = "exams_user"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(identity_kind__in=["lms", "local"]), name="exams_user_kind_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(identity_kind="lms") | models.Q(lms_user_id__isnull=True),
                name="exams_user_local_has_no_lms_id",
            ),
        ]

    @property
    def is_lms_identity(self) -> bool:
        return self.identity_kind == IdentityKind.LMS

    @property
    def is_local_account(self) -> bool:
        return self.identity_kind == IdentityKind.LOCAL

    def check_password(self, raw_password) -> bool:
        """A generated service-account secret is checked as stored: Django would re-hash it with the slow default."""
        if service_secrets.is_secret_hash(self.password):
            return service_secrets.check_secret(raw_password, self.password)
        return super().check_password(raw_password)

    async def acheck_password(self, raw_password) -> bool:
        if service_secrets.is_secret_hash(self.password):
            return service_secrets.check_secret(raw_password, self.password)
        return await super().acheck_password(raw_password)

    def get_full_name(self) -> str:
        return self.full_name or super().get_full_name()

    def __str__(self) -> str:
        return self.username
