"""Queue configuration from code (the admin edits the same model)."""

from django.db import transaction

from xqueue.models import Queue


def ensure_queue(*, name: str, visibility_timeout: int | None = None, max_attempts: int | None = None) -> Queue:
    """Create the queue if missing; update the given settings if present."""
    updates = {}
    if visibility_timeout is not None:
        updates["visibility_timeout"] = visibility_timeout
    if max_attempts is not None:
        updates["max_attempts"] = max_attempts
    with transaction.atomic():
        queue, created = Queue.objects.get_or_create(name=name, defaults=updates)
        if not created and updates:
            for field, value in updates.items():
                setattr(queue, field, value)
            queue.save()
    return queue
