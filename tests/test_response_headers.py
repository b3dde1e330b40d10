"""FastResponseHeaders stores and refuses exactly what Django's ResponseHeaders does
(exams_service/response_headers.py): a header-injection attempt through the fast path is still a BadHeaderError."""

import pytest
from django.http import BadHeaderError, HttpResponse
from django.http.response import ResponseHeaders

from exams_service.response_headers import FastResponseHeaders, adopt

VALUES = [
    "nosniff",
    "",
    "text/html; charset=utf-8",
    "caf\u00e9",  # latin-1: Django keeps it as a str
    "\u2603 snowman",  # not latin-1: Django MIME-encodes it
    b"bytes-value",
    42,
    "a\u2028b",  # a Unicode line separator is not CR/LF: Django lets it through, MIME-encoded
]
INJECTIONS = ["x\r\nSet-Cookie: session=stolen", "x\nLocation: //evil.example", "x\rX-Other: 1", b"x\r\ny: 1"]


def stored(headers_class, name, value):
    headers = headers_class({})
    headers[name] = value
    return headers._store


@pytest.mark.parametrize("value", VALUES)
def test_values_are_stored_as_django_stores_them(value):
    assert stored(FastResponseHeaders, "X-Test", value) == stored(ResponseHeaders, "X-Test", value)


@pytest.mark.parametrize("value", INJECTIONS)
def test_a_newline_in_a_value_is_refused_as_django_refuses_it(value):
    with pytest.raises(BadHeaderError):
        stored(ResponseHeaders, "X-Test", value)
    with pytest.raises(BadHeaderError):
        stored(FastResponseHeaders, "X-Test", value)


@pytest.mark.parametrize("name", ["X-Test\r\nSet-Cookie: a=b", "X-Test\n", "X-T\u00e9st"])
def test_a_name_django_refuses_is_refused(name):
    for headers_class in (ResponseHeaders, FastResponseHeaders):
        with pytest.raises((BadHeaderError, UnicodeError)):
            stored(headers_class, name, "value")


def test_lookups_answer_as_djangos_without_raising():
    fast, django = FastResponseHeaders({"Vary": "Accept"}), ResponseHeaders({"Vary": "Accept"})
    for headers in (fast, django):
        assert "vary" in headers and "VARY" in headers and "Allow" not in headers
        assert headers.get("vARY") == "Accept" and headers.get("Allow") is None and headers.get("Allow", 1) == 1
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("x-frame-options", "SAMEORIGIN")
    assert fast._store == django._store


def test_adopt_keeps_the_headers_a_response_already_has():
    response = HttpResponse("{}", content_type="application/json")
    response["Allow"] = "GET"
    before = dict(response.headers._store)
    adopt(response)
    assert type(response.headers) is FastResponseHeaders and response.headers._store == before
    response["X-Content-Type-Options"] = "nosniff"
    assert response.has_header("x-content-type-options") and response["Allow"] == "GET"
