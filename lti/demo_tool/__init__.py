"""A tiny proctoring tool for local use only (settings/local.py): real OIDC login, id_token validation, LtiStartAssessment."""
