"""Each of the five events survives the bus serializer of openedx-events (Avro), not only the signal."""

import pytest
from openedx_events.event_bus.avro.deserializer import deserialize_bytes_to_event_data
from openedx_events.event_bus.avro.serializer import serialize_event_data_to_bytes

from events.payloads import ALL_SIGNALS, attempt_json, exam_attempt_data
from exams.services.attempts import create_attempt

EVENT_TYPES = {
    "org.openedx.learning.exam.attempt.submitted.v1",
    "org.openedx.learning.exam.attempt.verified.v1",
    "org.openedx.learning.exam.attempt.rejected.v1",
    "org.openedx.learning.exam.attempt.errored.v1",
    "org.openedx.learning.exam.attempt.reset.v1",
}


def test_the_five_signals_are_the_contract_ones():
    assert {signal.event_type for signal in ALL_SIGNALS} == EVENT_TYPES


@pytest.mark.django_db
@pytest.mark.parametrize("signal", ALL_SIGNALS, ids=lambda signal: signal.event_type.split(".")[-2])
@pytest.mark.parametrize("with_requester", [True, False], ids=["requester", "no-requester"])
def test_avro_round_trip(signal, with_requester, learner, course_staff, proctored_exam):
    attempt = create_attempt(user=learner, exam_id=proctored_exam.pk, start_clock=False)
    data = exam_attempt_data(attempt_json(attempt, course_staff if with_requester else None))

    payload = serialize_event_data_to_bytes({"exam_attempt": data}, signal)
    restored = deserialize_bytes_to_event_data(payload, signal)

    assert isinstance(payload, bytes) and payload
    assert restored == {"exam_attempt": data}
    assert (restored["exam_attempt"].requesting_user is not None) is with_requester
    assert restored["exam_attempt"].student_user.pii.name == "Lee Learner"
