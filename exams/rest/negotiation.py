"""Content negotiation: DRF's, answering the Accept headers every API client sends without parsing them."""

from rest_framework.negotiation import DefaultContentNegotiation

JSON = "application/json"
# What DRF's negotiation picks when the first renderer is JSON: the JSON renderer, media type `application/json`.
JSON_ACCEPTS = frozenset({None, "*/*", JSON})


class JsonFirstContentNegotiation(DefaultContentNegotiation):
    """No Accept, `*/*` or exactly `application/json`, no format override, JSON first: that renderer, unparsed.

    Anything else (other types, parameters, q-values, `?format=`, a format suffix) goes through DRF's own logic,
    including its 404 for an unknown format and 406 for an unsatisfiable Accept.
    """

    def select_renderer(self, request, renderers, format_suffix=None):
        if (
            not format_suffix
            and renderers
            and renderers[0].media_type == JSON
            and request.META.get("HTTP_ACCEPT") in JSON_ACCEPTS
            and not self._format_override(request)
        ):
            return renderers[0], JSON
        return super().select_renderer(request, renderers, format_suffix)

    def _format_override(self, request) -> bool:
        name = self.settings.URL_FORMAT_OVERRIDE
        return bool(name and request.query_params.get(name))
