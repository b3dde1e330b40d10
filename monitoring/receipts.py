"""The learner socket's side of command receipts: `delivered` once a command frame is written to the socket,
`acknowledged` when the client answers `ack {"seq"}` with that frame's seq (docs/monitoring.md)."""

from monitoring import services


async def delivered(consumer, message: dict) -> None:
    """Record delivery of a proctor command (frames caused by vendors or timers carry no `command_seq`)."""
    command_seq = message.get("command_seq")
    if command_seq is not None:
        await _record(consumer, command_seq, services.DELIVERED)


async def acknowledged(consumer, data: dict) -> None:
    """`data` matched the declared `ack` shape (monitoring/messages.py): `seq` is a positive integer."""
    await _record(consumer, data["seq"], services.ACKNOWLEDGED)


async def _record(consumer, command_seq: int, state: str) -> None:
    from monitoring.consumers import db  # the consumers module imports this one

    await db(services.record_receipt)(
        session_id=consumer.session_id, exam_id=consumer.exam_id, command_seq=command_seq, state=state
    )
