"""The OIDC authentication request (launch gate): checks it, consumes the hint, signs the id_token.

Stricter than lti_consumer's gate: the hint is single-use and random, and the request is honoured only
in the browser session of the user the launch was made for.
"""

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from lti_consumer.lti_1p3.consumer import LtiConsumer1p3, LtiProctoringConsumer

from exams.api import statuses
from lti.errors import LtiError
from lti.models import LaunchHint, ProctoringSession
from lti.services import keys
from lti.services.launches import END_ASSESSMENT, START_PROCTORING, launch_data_from
from lti.services.registration import DEPLOYMENT_ID

LAUNCHABLE = {
    START_PROCTORING: {
        statuses.DOWNLOAD_SOFTWARE_CLICKED,
        statuses.READY_TO_START,
        statuses.STARTED,
        statuses.READY_TO_SUBMIT,
    },
    END_ASSESSMENT: set(statuses.COMPLETED),
}


def _require(params: dict, name: str) -> str:
    value = params.get(name)
    if not value:
        raise LtiError(f"The {name} parameter is missing or empty.")
    return value


def _check_request_shape(params: dict) -> None:
    if "openid" not in _require(params, "scope").split():
        raise LtiError("The scope parameter must contain openid.")
    if _require(params, "response_type") != "id_token":
        raise LtiError("The response_type parameter must be id_token.")
    if params.get("response_mode", "form_post") != "form_post":
        raise LtiError("The response_mode parameter must be form_post.")
    if params.get("prompt", "none") != "none":
        raise LtiError("The prompt parameter must be none.")
    _require(params, "nonce")
    _require(params, "state")


def _consume_hint(value: str, user) -> LaunchHint:
    hint = LaunchHint.objects.select_for_update().filter(hint=value).first()
    if hint is None or hint.expires_at <= timezone.now():
        raise LtiError("Unknown or expired lti_message_hint.")
    if hint.used_at is not None:
        raise LtiError("This lti_message_hint was already used; start the launch again.")
    if not (user and user.is_authenticated):
        raise LtiError("No platform session: start the launch from the exams service in this browser.", 403)
    if hint.user_id != user.pk:
        raise LtiError("This launch was made for another user than the one logged in.", 403)
    return hint


def _consumer(config, key) -> LtiProctoringConsumer:
    return LtiProctoringConsumer(
        iss=settings.LTI_API_BASE,
        lti_oidc_url=config.lti_1p3_oidc_url,
        lti_launch_url=config.lti_1p3_launch_url,
        client_id=config.lti_1p3_client_id,
        deployment_id=DEPLOYMENT_ID,
        rsa_key=key.private_key_pem,
        rsa_key_id=key.kid,
        redirect_uris=config.get_lti_1p3_redirect_uris(),
        tool_key=config.lti_1p3_tool_public_key,
        tool_keyset_url=config.lti_1p3_tool_keyset_url,
    )


def _proctoring_claims(hint: LaunchHint, consumer: LtiProctoringConsumer, launch_data) -> None:
    attempt = hint.attempt
    if attempt is None or attempt.reset_at is not None or attempt.status not in LAUNCHABLE[hint.message_type]:
        raise LtiError("The exam attempt of this launch is no longer in a state that allows it.", 409)
    proctoring = launch_data.proctoring_launch_data
    if hint.message_type == START_PROCTORING:
        session = ProctoringSession.objects.get(attempt=attempt)
        consumer.set_proctoring_data(
            attempt_number=proctoring.attempt_number,
            session_data=session.session_data,
            start_assessment_url=proctoring.start_assessment_url,
            assessment_control_url=proctoring.assessment_control_url,
            assessment_control_actions=proctoring.assessment_control_actions,
        )
        consumer.set_extra_claim(consumer.get_start_proctoring_claims())
        consumer.set_extra_claim(consumer.get_assessment_control_claim())
    else:
        consumer.set_proctoring_data(attempt_number=proctoring.attempt_number)
        consumer.set_extra_claim(consumer.get_end_assessment_claims())


def authentication_response(*, params: dict, user) -> tuple[str, dict]:
    """Check an OIDC authentication request; return (redirect_uri, {"id_token", "state"}) to form-post."""
    hint_value = _require(params, "lti_message_hint")
    login_hint = _require(params, "login_hint")
    _check_request_shape(params)
    with transaction.atomic():
        hint = _consume_hint(hint_value, user)
        config = hint.lti_configuration
        launch_data = launch_data_from(hint)
        if login_hint != launch_data.external_user_id:
            raise LtiError("The login_hint does not match the user of this launch.")
        if params.get("client_id") != config.lti_1p3_client_id:
            raise LtiError("The client_id does not match the tool of this launch.")
        if params.get("redirect_uri") not in config.get_lti_1p3_redirect_uris():
            raise LtiError("The redirect_uri is not registered for this tool.")
        consumer = _consumer(config, keys.current_key())
        consumer.set_user_data(user_id=launch_data.external_user_id, role=launch_data.user_role)
        consumer.set_resource_link_claim(launch_data.resource_link_id)
        consumer.set_launch_presentation_claim(return_url=launch_data.launch_presentation_return_url)
        consumer.set_context_claim(launch_data.context_id, None, launch_data.context_title, launch_data.context_label)
        if launch_data.custom_parameters:
            consumer.set_custom_parameters(launch_data.custom_parameters)
        if hint.message_type in LAUNCHABLE:
            _proctoring_claims(hint, consumer, launch_data)
        request = LtiConsumer1p3.generate_launch_request(consumer, preflight_response=dict(params))
        LaunchHint.objects.filter(pk=hint.pk).update(used_at=timezone.now())
    return params["redirect_uri"], request
