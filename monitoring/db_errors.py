"""What a WebSocket consumer does when the database fails after its retries: the socket stays open.

A learner's message gets an `error` frame with code `unavailable` (and the anomaly's client_seq: the client
sends it again, the server stores it once); a failed handshake closes 1011 so the client reconnects.
"""

import json
import logging

log = logging.getLogger(__name__)

UNAVAILABLE = "unavailable"
TRY_AGAIN_LATER = 1011


async def report_database_error(consumer, message: dict, error: Exception) -> None:
    log.warning("Database error in %s handling %s: %r", type(consumer).__name__, message.get("type"), error)
    kind = message.get("type")
    if kind == "websocket.disconnect":
        return  # presence falls back to the sweep (silence → stale → offline)
    if kind == "websocket.connect" or not getattr(consumer, "authorized", False):
        return await consumer.close(code=TRY_AGAIN_LATER, reason="Temporarily unavailable, reconnect.")
    data = {"code": UNAVAILABLE, "detail": "Temporarily unavailable: send it again."}
    try:
        frame = json.loads(message.get("text") or "{}")
        client_seq = frame.get("data", {}).get("client_seq") if frame.get("type") == "anomaly" else None
    except (ValueError, AttributeError):
        client_seq = None
    if client_seq is not None:
        data["client_seq"] = client_seq
    await consumer.send_message("error", data)
