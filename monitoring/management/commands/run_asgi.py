"""`manage.py run_asgi`: the production ASGI server (uvicorn) for HTTP and the /ws/ sockets."""

import uvicorn
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from exams_service.security.deploy_checks import refuse_unsafe_configuration, ticket_store_error


class Command(BaseCommand):
    help = "Serve exams_service.asgi with uvicorn: workers, graceful-shutdown timeout, frame cap, pings."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=int, default=settings.ASGI_WORKERS)
        parser.add_argument("--log-level", default="warning")

    def handle(self, *args, host, port, workers, log_level, **options):
        refuse_unsafe_configuration()
        error = ticket_store_error(workers)
        if error:  # a single-use ticket must be single-use across the workers
            raise CommandError(f"{error.msg} {error.hint}")
        uvicorn.run(
            "exams_service.asgi:application",
            host=host,
            port=port,
            workers=workers,
            timeout_graceful_shutdown=settings.ASGI_GRACEFUL_SHUTDOWN_SECONDS,
            ws_max_size=settings.ASGI_WS_MAX_SIZE,
            ws_per_message_deflate=False,  # small JSON frames: compression costs CPU and ~100 KB per socket
            ws_ping_interval=settings.ASGI_WS_PING_SECONDS,
            ws_ping_timeout=settings.ASGI_WS_PING_SECONDS,
            backlog=settings.ASGI_BACKLOG,
            lifespan="off",
            log_level=log_level,
            access_log=False,  # tickets travel in query strings: keep them out of logs
        )
