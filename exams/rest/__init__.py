"""REST API v1: thin views that parse, authorize, call a service and shape the response."""
