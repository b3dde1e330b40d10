"""Registering a proctoring tool: an LTI 1.3 configuration (lti_consumer) linked to a ProctoringProvider."""

import json

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.urls import reverse
from lti_consumer.models import LtiConfiguration

from exams.api import ProctoringProvider
from lti.services import keys

DEPLOYMENT_ID = "1"  # one deployment per registration, as in lti_consumer for configurations on the database
ACS_ACTIONS = ["flag", "terminate", "pause", "resume", "update"]
_url = URLValidator(schemes=["http", "https"])


def platform_url(path: str) -> str:
    return f"{settings.LTI_API_BASE}{path}"


def _check_url(value: str, label: str) -> None:
    try:
        _url(value)
    except ValidationError as exc:
        raise ValidationError(f"{label} is not a valid http(s) URL: {value!r}") from exc


def validate_inputs(*, oidc_url, launch_url, redirect_uris, tool_keyset_url, tool_public_key) -> list[str]:
    _check_url(oidc_url, "OIDC login URL")
    _check_url(launch_url, "Launch URL")
    uris = list(redirect_uris or [launch_url])
    for uri in uris:
        _check_url(uri, "Redirect URI")
    if tool_keyset_url:
        _check_url(tool_keyset_url, "Tool JWKS URL")
    if not (tool_keyset_url or tool_public_key):
        raise ValidationError("A tool JWKS URL or a tool public key is required.")
    if tool_public_key and "BEGIN PUBLIC KEY" not in tool_public_key:
        raise ValidationError("The tool public key must be a PEM 'BEGIN PUBLIC KEY' block.")
    return uris


def save_registration(*, config: LtiConfiguration, provider: ProctoringProvider | None = None) -> LtiConfiguration:
    """Validate and store a proctoring registration (admin and command), sign it with the platform key."""
    uris = validate_inputs(
        oidc_url=config.lti_1p3_oidc_url,
        launch_url=config.lti_1p3_launch_url,
        redirect_uris=config.lti_1p3_redirect_uris,
        tool_keyset_url=config.lti_1p3_tool_keyset_url,
        tool_public_key=config.lti_1p3_tool_public_key,
    )
    key = keys.current_key()
    with transaction.atomic():
        config.version = LtiConfiguration.LTI_1P3
        config.config_store = LtiConfiguration.CONFIG_ON_DB
        config.lti_1p3_proctoring_enabled = True
        config.lti_1p3_redirect_uris = uris
        config.lti_1p3_internal_private_key = key.private_key_pem
        config.lti_1p3_internal_private_key_id = key.kid
        config.lti_1p3_internal_public_jwk = json.dumps(keys.public_jwk(key))
        config.full_clean(exclude=["location"])
        config.save()
        if provider is not None:
            provider.lti_configuration_id = str(config.pk)
            provider.save(update_fields=["lti_configuration_id", "modified"])
    return config


def register_tool(
    *,
    provider_name: str,
    oidc_url: str,
    launch_url: str,
    redirect_uris: list[str] | None = None,
    tool_keyset_url: str = "",
    tool_public_key: str = "",
    verbose_name: str = "",
) -> LtiConfiguration:
    """Register (or update) the tool of provider `provider_name`, creating the provider if needed."""
    with transaction.atomic():
        provider, _ = ProctoringProvider.objects.get_or_create(
            name=provider_name, defaults={"verbose_name": verbose_name or provider_name}
        )
        config = configuration_of_provider(provider) or LtiConfiguration()
        config.lti_1p3_oidc_url = oidc_url
        config.lti_1p3_launch_url = launch_url
        config.lti_1p3_redirect_uris = list(redirect_uris or [])
        config.lti_1p3_tool_keyset_url = tool_keyset_url or ""
        config.lti_1p3_tool_public_key = tool_public_key or ""
        return save_registration(config=config, provider=provider)


def configuration_of_provider(provider: ProctoringProvider | None) -> LtiConfiguration | None:
    """The provider's LTI 1.3 proctoring configuration, or None."""
    if provider is None or not str(provider.lti_configuration_id or "").isdigit():
        return None
    return LtiConfiguration.objects.filter(
        pk=int(provider.lti_configuration_id), version=LtiConfiguration.LTI_1P3, lti_1p3_proctoring_enabled=True
    ).first()


def vendor_values(config: LtiConfiguration) -> dict[str, str]:
    """What the tool vendor needs back to register this platform."""
    return {
        "issuer": settings.LTI_API_BASE,
        "client_id": config.lti_1p3_client_id,
        "deployment_id": DEPLOYMENT_ID,
        "auth_login_url": platform_url(reverse("lti:launch_gate")),
        "jwks_url": platform_url(reverse("lti:jwks", kwargs={"lti_config_id": config.config_id})),
        "token_url": platform_url(
            reverse("lti_consumer:lti_consumer.access_token", kwargs={"lti_config_id": config.config_id})
        ),
        "acs_url": acs_url(config),
    }


def acs_url(config: LtiConfiguration) -> str:
    """Assessment Control Service endpoint `/lti/<lti_config_id>/acs` (contract §4.1; served by the ACS app)."""
    return platform_url(f"/lti/{config.pk}/acs")
