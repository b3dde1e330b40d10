"""Issue 16 (3): a database error never closes a learner's socket; the anomaly is sent again and stored once."""

import pytest
from channels.db import database_sync_to_async
from django.db import connection

from monitoring.models import SessionEvent
from tests.monitoring.conftest import connect_learner, learner_ticket, receive, receive_until, run, send

pytestmark = pytest.mark.django_db(transaction=True)

TABLE = SessionEvent._meta.db_table


@database_sync_to_async
def rename_event_table(old: str, new: str) -> None:
    """A real database failure the retries cannot cure: the event log's table is gone for a while."""
    with connection.cursor() as cursor:
        cursor.execute(f"ALTER TABLE {connection.ops.quote_name(old)} RENAME TO {connection.ops.quote_name(new)}")


def test_a_failed_anomaly_gets_an_error_frame_and_is_stored_once_when_sent_again(clients, learner, session):
    ticket = learner_ticket(clients, learner, session.pk)
    anomaly = {"kind": "face_absent", "severity": 0.8, "client_seq": 1}

    async def scenario():
        communicator, _ = await connect_learner(session.pk, ticket)
        await rename_event_table(TABLE, f"{TABLE}_away")
        try:
            await send(communicator, "anomaly", **anomaly)
            error = await receive(communicator)
        finally:
            await rename_event_table(f"{TABLE}_away", TABLE)
        await send(communicator, "anomaly", **anomaly)  # the client resends what was not acknowledged
        ack = await receive_until(communicator, "ack")
        await send(communicator, "anomaly", **anomaly)
        duplicate = await receive_until(communicator, "ack")
        await communicator.disconnect()
        return error, ack, duplicate

    error, ack, duplicate = run(scenario)
    assert error["type"] == "error"
    assert error["data"]["code"] == "unavailable" and error["data"]["client_seq"] == 1
    assert ack["data"]["duplicate"] is False and duplicate["data"]["duplicate"] is True
    assert SessionEvent.objects.filter(session=session, client_seq=1).count() == 1
