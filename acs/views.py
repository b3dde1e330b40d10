"""`POST /lti/<lti_config_id>/acs`: authorize the tool's bearer token, parse, call the service, answer in the
media type the tool sent (JSON or `application/vnd.ims.lti-ap.v1.control+json`). Errors are 4xx `{"detail"}`."""

import logging

from django.http import JsonResponse
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.csrf import csrf_exempt

from acs import services
from acs.errors import AcsError
from acs.messages import MEDIA_TYPES, parse_control_request, parse_json
from lti.api import ACS_SCOPE, AccessTokenError, authorize_tool

log = logging.getLogger(__name__)


def _media_type(request) -> str:
    return (request.content_type or "").split(";")[0].strip().lower()


@method_decorator(csrf_exempt, name="dispatch")
class AssessmentControlView(View):
    http_method_names = ["post"]

    def post(self, request, lti_config_id: int):
        media_type = _media_type(request)
        answer_type = media_type if media_type in MEDIA_TYPES else MEDIA_TYPES[0]
        try:
            authorize_tool(
                authorization=request.headers.get("Authorization", ""), lti_config_id=lti_config_id, scope=ACS_SCOPE
            )
            if media_type not in MEDIA_TYPES:
                raise AcsError(f"Unsupported media type {media_type!r}: send one of {', '.join(MEDIA_TYPES)}.", 415)
            control = parse_control_request(parse_json(request.body))
            answer = services.handle_control_request(lti_config_id=lti_config_id, control=control)
        except AccessTokenError as exc:
            response = JsonResponse({"detail": exc.detail}, status=exc.status_code, content_type=answer_type)
            response["WWW-Authenticate"] = exc.www_authenticate
            return response
        except AcsError as exc:
            log.info("ACS request to registration %s refused (%s): %s", lti_config_id, exc.status_code, exc.detail)
            return JsonResponse({"detail": exc.detail}, status=exc.status_code, content_type=answer_type)
        log.info("ACS %s on registration %s: %s", control.action, lti_config_id, answer)
        return JsonResponse(answer, content_type=answer_type)
