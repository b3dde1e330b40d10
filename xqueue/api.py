"""The xqueue app's public surface for other apps."""

from xqueue.selectors import QueueMetrics, queue_metrics
from xqueue.services import create_account, ensure_queue

__all__ = ["QueueMetrics", "create_account", "ensure_queue", "queue_metrics"]
