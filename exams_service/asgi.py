"""ASGI entry point: Django for HTTP, Channels for WebSocket under /ws/ (monitoring app).

Production: `manage.py run_asgi` (uvicorn with a graceful-shutdown timeout); `make run`: daphne's runserver.
"""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "settings.local")
django_application = get_asgi_application()  # set up Django before importing consumers

from exams_service.security.deploy_checks import refuse_unsafe_configuration  # noqa: E402

refuse_unsafe_configuration()

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402

from monitoring.routing import websocket_urlpatterns  # noqa: E402

# Origin and authentication are checked by the consumers after accepting, so refusals carry app close codes.
application = ProtocolTypeRouter({"http": django_application, "websocket": URLRouter(websocket_urlpatterns)})

from exams_service.gc_tuning import tune_for_latency  # noqa: E402

tune_for_latency()
