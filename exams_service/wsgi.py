"""WSGI entry point (gunicorn)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "settings.local")
application = get_wsgi_application()

from exams_service.security.deploy_checks import refuse_unsafe_configuration  # noqa: E402

refuse_unsafe_configuration()

# Import every URLconf and view now, not in a worker's first request (about 150 ms: a grader's 1 s login timeout
# or a learner's first poll would pay it).
from django.urls import get_resolver  # noqa: E402

get_resolver().url_patterns  # noqa: B018 - evaluated for its imports
