"""OpenAPI: the browser/LTI routes under /lti/ (ours and lti_consumer's) are not part of the REST API schema."""


def exclude_lti_endpoints(endpoints):
    return [endpoint for endpoint in endpoints if not endpoint[0].startswith("/lti/")]
