"""Admin: register a proctoring tool and read back what its vendor needs (replaces lti_consumer's admin)."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.html import format_html_join
from lti_consumer.models import LtiConfiguration

from exams.api import ProctoringProvider
from lti.models import LaunchHint, PlatformKey, ProctoringSession
from lti.services.registration import save_registration, validate_inputs, vendor_values


class ToolRegistrationForm(forms.ModelForm):
    provider = forms.ModelChoiceField(
        queryset=ProctoringProvider.objects.all(), required=False, help_text="The provider this tool proctors for."
    )

    class Meta:
        model = LtiConfiguration
        fields = [
            "lti_1p3_oidc_url",
            "lti_1p3_launch_url",
            "lti_1p3_redirect_uris",
            "lti_1p3_tool_keyset_url",
            "lti_1p3_tool_public_key",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            linked = ProctoringProvider.objects.filter(lti_configuration_id=str(self.instance.pk)).first()
            self.fields["provider"].initial = linked

    def _post_clean(self):
        """Fill the instance only: the model's own clean() saves as a side effect; save_registration validates."""
        self.instance = forms.models.construct_instance(self, self.instance, self._meta.fields, self._meta.exclude)

    def clean(self):
        data = super().clean()
        try:
            validate_inputs(
                oidc_url=data.get("lti_1p3_oidc_url") or "",
                launch_url=data.get("lti_1p3_launch_url") or "",
                redirect_uris=data.get("lti_1p3_redirect_uris") or [],
                tool_keyset_url=data.get("lti_1p3_tool_keyset_url") or "",
                tool_public_key=data.get("lti_1p3_tool_public_key") or "",
            )
        except ValidationError as exc:
            raise forms.ValidationError(exc.messages) from exc
        return data


if admin.site.is_registered(LtiConfiguration):
    admin.site.unregister(LtiConfiguration)


@admin.register(LtiConfiguration)
class ToolRegistrationAdmin(admin.ModelAdmin):
    form = ToolRegistrationForm
    list_display = ["id", "lti_1p3_client_id", "lti_1p3_launch_url", "lti_1p3_proctoring_enabled"]
    readonly_fields = ["values_for_the_tool_vendor"]

    @admin.display(description="Values for the tool vendor")
    def values_for_the_tool_vendor(self, obj):
        if not obj.pk:
            return "Saved registrations show the issuer, client_id, deployment_id and platform URLs here."
        return format_html_join("", "<div><b>{}</b>: <code>{}</code></div>", vendor_values(obj).items())

    def save_model(self, request, obj, form, change):
        save_registration(config=obj, provider=form.cleaned_data.get("provider"))


@admin.register(PlatformKey)
class PlatformKeyAdmin(admin.ModelAdmin):
    list_display = ["kid", "created_at"]
    fields = ["kid", "created_at"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False


@admin.register(ProctoringSession)
class ProctoringSessionAdmin(admin.ModelAdmin):
    list_display = ["attempt", "assessment_started_at", "end_assessment_return"]
    readonly_fields = [
        "attempt",
        "lti_configuration",
        "assessment_started_at",
        "end_assessment_return",
        "verified_user",
    ]
    exclude = ["session_data"]


@admin.register(LaunchHint)
class LaunchHintAdmin(admin.ModelAdmin):
    list_display = ["message_type", "user", "attempt", "created_at", "used_at"]
    exclude = ["hint"]
    readonly_fields = ["message_type", "user", "attempt", "lti_configuration", "launch_data", "expires_at", "used_at"]
