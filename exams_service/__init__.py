"""Project package: URL routing, WSGI/ASGI entry points and the Celery app."""

from exams_service.celery import app as celery_app

__all__ = ["celery_app"]
