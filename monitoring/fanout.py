"""Channel-layer group names and sends. Failures are logged, never raised into attempt transactions."""

import logging

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

log = logging.getLogger(__name__)


def session_group(session_id) -> str:
    return f"sess.{str(session_id).replace('-', '')}"


def exam_group(exam_id: int) -> str:
    return f"mon.e.{int(exam_id)}"


async def to_exam(exam_id: int, envelope: dict) -> None:
    """Deliver one sequenced event to every dashboard of the exam (a full channel silently misses it)."""
    await get_channel_layer().group_send(exam_group(exam_id), {"type": "monitor.event", "event": envelope})


async def to_session(session_id, message_type: str, **payload) -> None:
    await get_channel_layer().group_send(session_group(session_id), {"type": message_type, **payload})


def to_exam_sync(exam_id: int, envelope: dict) -> None:
    try:
        async_to_sync(to_exam)(exam_id, envelope)
    except Exception:  # noqa: BLE001 - dashboards resync from the log; the caller's work is committed
        log.exception("Fan-out of event %s to exam %s failed", envelope.get("seq"), exam_id)


def to_session_sync(session_id, message_type: str, **payload) -> None:
    try:
        async_to_sync(to_session)(session_id, message_type, **payload)
    except Exception:  # noqa: BLE001
        log.exception("Message %s to session %s failed", message_type, session_id)
