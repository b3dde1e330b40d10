"""A tiny local-only proctoring tool: real OIDC login, id_token validation and LtiStartAssessment."""
