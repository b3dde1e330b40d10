"""Launch state kept in the database: shared by every web process, per attempt, no cache expiry."""

from django.conf import settings
from django.db import models
from lti_consumer.models import LtiConfiguration


class PlatformKey(models.Model):
    """An RSA key the platform signs with. The newest signs; the newest few are published in the JWKS."""

    kid = models.CharField(max_length=64, unique=True)
    private_key_pem = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"platform key {self.kid}"


class LaunchHint(models.Model):
    """One OIDC launch in flight: `lti_message_hint` is random, single-use and bound to one user."""

    hint = models.CharField(max_length=64, unique=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    lti_configuration = models.ForeignKey(LtiConfiguration, on_delete=models.CASCADE, related_name="+")
    attempt = models.ForeignKey("exams.ExamAttempt", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    message_type = models.CharField(max_length=64)
    launch_data = models.JSONField()  # lti_consumer.data.Lti1p3LaunchData as a dict
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.message_type} launch for {self.user_id}"


class ProctoringSession(models.Model):
    """The proctoring state of one attempt: the anti-CSRF `session_data` and what the tool asked for."""

    attempt = models.OneToOneField("exams.ExamAttempt", on_delete=models.CASCADE, related_name="lti_session")
    lti_configuration = models.ForeignKey(LtiConfiguration, on_delete=models.CASCADE, related_name="+")
    session_data = models.CharField(max_length=128)
    end_assessment_return = models.BooleanField(default=False)
    verified_user = models.JSONField(default=dict, blank=True)
    assessment_started_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"proctoring session of attempt {self.attempt_id}"


class ToolMessageNonce(models.Model):
    """A `nonce`/`jti` a tool already used; kept until the message would have expired anyway."""

    client_id = models.CharField(max_length=255)
    value = models.CharField(max_length=255)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["client_id", "value"], name="unique_tool_message_nonce")]

    def __str__(self) -> str:
        return f"{self.client_id}:{self.value}"
