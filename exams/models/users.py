import uuid

from django.contrib.auth.models import AbstractUser
from django.db import models


class User(AbstractUser):
    """A learner, course team member or service account, created on first sight of its LMS JWT."""

    full_name = models.CharField(max_length=255, blank=True, default="")
    lms_user_id = models.IntegerField(null=True, blank=True, db_index=True)
    anonymous_user_id = models.UUIDField(default=uuid.uuid4, editable=False, unique=True)

    class Meta:
        db_table = "exams_user"

    def get_full_name(self) -> str:
        return self.full_name or super().get_full_name()

    def __str__(self) -> str:
        return self.username
