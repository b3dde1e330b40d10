"""The learner socket's side of command receipts: `delivered` once a command frame is written to the socket,
`acknowledged` when the client answers `ack {"seq"}` with that frame's seq (docs/monitoring.md)."""

from monitoring import services


async def delivered(consumer, message: dict) -> None:
    """Record delivery of a proctor command (frames caused by vendors or timers carry no `command_seq`)."""
    command_seq = message.get("command_seq")
    if command_seq is not None:
        await _record(consumer, command_seq, services.DELIVERED)


async def acknowledged(consumer, data: dict) -> None:
    seq = data.get("seq") if isinstance(data, dict) else None
    if isinstance(seq, bool) or not isinstance(seq, int) or not 0 < seq < 2**53:
        return await consumer.send_message("error", {"code": "bad_ack", "detail": "seq must be a positive integer."})
    await _record(consumer, seq, services.ACKNOWLEDGED)


async def _record(consumer, command_seq: int, state: str) -> None:
    from monitoring.consumers import db  # the consumers module imports this one

    await db(services.record_receipt)(
        session_id=consumer.session_id, exam_id=consumer.exam_id, command_seq=command_seq, state=state
    )
