"""WSGI entry point (gunicorn)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "settings.local")
application = get_wsgi_application()

from exams_service.security.deploy_checks import refuse_unsafe_configuration  # noqa: E402

refuse_unsafe_configuration()
