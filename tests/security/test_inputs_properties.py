"""Property tests of the input readers, the ACS parser, the XQueue envelopes and the WebSocket message validator:
hostile values (depth, size, Unicode, numbers) give the reader's own refusal, never another exception, and what
is accepted can always be encoded (stored, rendered)."""

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from acs.errors import AcsError
from acs.messages import parse_control_request, parse_json
from exams_service.security.inputs import MAX_INT, InputError, check_json_value, read_int, read_json, read_str
from monitoring.messages import DASHBOARD_MESSAGES, LEARNER_MESSAGES, MessageError, parse_message
from xqueue.exceptions import XQueueError
from xqueue.services.results import parse_grader_header
from xqueue.services.submissions import parse_lms_header

HOSTILE_TEXT = st.text(alphabet=st.characters(codec=None, min_codepoint=0, max_codepoint=0x10FFFF), max_size=40)
NUMBERS = st.one_of(st.integers(), st.floats(allow_nan=True, allow_infinity=True), st.booleans())
SCALARS = st.one_of(st.none(), NUMBERS, HOSTILE_TEXT)
JSON_LIKE = st.recursive(
    SCALARS, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(HOSTILE_TEXT, inner, max_size=4), max_leaves=30
)
DIGITS = st.text(alphabet=st.characters(categories=["Nd", "No"]), min_size=1, max_size=30)


def encodable(value) -> None:
    json.dumps(value, allow_nan=False).encode("utf-8")
    json.dumps(value, ensure_ascii=False, allow_nan=False).encode("utf-8")


@given(st.one_of(SCALARS, DIGITS, st.integers().map(str), st.just("9" * 5000)))
def test_read_int_returns_a_bounded_int_or_refuses(value):
    try:
        number = read_int(value, name="n", accept_float=True)
    except InputError:
        return
    assert type(number) is int and 0 <= number <= MAX_INT


@given(DIGITS)
def test_read_int_accepts_only_ascii_digits(text):
    try:
        read_int(text, name="n")
    except InputError:
        assert not text.isascii() or len(text) > 18  # or beyond MAX_INT
    else:
        assert text.isascii()


@given(SCALARS)
def test_read_str_returns_encodable_text_or_refuses(value):
    try:
        text = read_str(value, name="s", max_length=20)
    except InputError:
        return
    assert "\x00" not in text and len(text) <= 20
    text.encode("utf-8")


@given(JSON_LIKE)
def test_read_json_of_any_document_is_encodable_or_refused(document):
    raw = json.dumps(document)  # ASCII-escaped: lone surrogates and NaN reach the reader as a client may send them
    try:
        value = read_json(raw)
    except InputError:
        return
    encodable(value)
    assert check_json_value(value) == value


@given(st.integers(min_value=1, max_value=20000), st.sampled_from(["[", '{"a":', '[{"b":']))
@settings(max_examples=40)
def test_read_json_refuses_deep_nesting_without_recursion(depth, opener):
    closer = {"[": "]", '{"a":': "}", '[{"b":': "}]"}[opener]
    raw = opener * depth + "1" + closer * depth
    try:
        read_json(raw)
    except InputError as error:
        assert depth * opener.count("[") + depth * opener.count("{") > 20 or "valid" in error.detail


@given(
    st.dictionaries(
        st.sampled_from(
            [
                "user",
                "resource_link",
                "attempt_number",
                "action",
                "incident_time",
                "incident_severity",
                "reason_code",
                "reason_msg",
                "extra_time",
            ]
        ),
        JSON_LIKE,
    )
)
def test_acs_parser_answers_a_400_or_a_storable_request(body):
    try:
        control = parse_control_request(parse_json(json.dumps(body).encode()))
    except AcsError as error:
        assert error.status_code == 400
        return
    encodable(control.raw_body)
    control.reason_message.encode("utf-8")
    control.reason_code.encode("utf-8")


@given(JSON_LIKE)
def test_xqueue_envelopes_are_refused_in_the_envelope_or_storable(document):
    raw = json.dumps(document)
    for parse in (parse_lms_header, parse_grader_header):
        try:
            parsed = parse(raw)
        except XQueueError:
            continue
        encodable(parsed)


@given(
    st.one_of(
        JSON_LIKE,
        st.fixed_dictionaries(
            {
                "type": st.sampled_from(["hello", "heartbeat", "anomaly", "ack", "sync", "resume", "command", "ping"]),
                "data": JSON_LIKE,
            }
        ),
    )
)
def test_socket_messages_are_declared_shapes_or_bad_messages(message):
    raw = json.dumps(message)
    for shapes in (LEARNER_MESSAGES, DASHBOARD_MESSAGES):
        try:
            type_, data = parse_message(raw, shapes)
        except MessageError:
            continue
        assert type_ in shapes and isinstance(data, dict)
        encodable(data)


def test_the_depth_limit_counts_containers_the_same_before_and_after_parsing():
    """20 nested arrays around a scalar pass the bracket pre-check, so the parsed value must pass too."""
    assert read_json("[" * 20 + "1" + "]" * 20) is not None
    with pytest.raises(InputError):
        read_json("[" * 21 + "1" + "]" * 21)
