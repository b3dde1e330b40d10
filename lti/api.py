"""The lti app's public surface for other apps (re-exports only)."""

from lti.errors import LtiError
from lti.services.access_tokens import ACS_SCOPE, AccessTokenError, authorize_tool
from lti.services.registration import ACS_ACTIONS

__all__ = ["ACS_ACTIONS", "ACS_SCOPE", "AccessTokenError", "LtiError", "authorize_tool"]
