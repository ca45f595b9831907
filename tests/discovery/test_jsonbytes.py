"""explorer.jsonbytes.loads: json.loads(raw)'s values and errors, whatever the bytes."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from explorer.jsonbytes import loads

SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def outcome(decode, raw):
    """The value (with its types, keys in order), or the error's type and message."""
    try:
        return "value", repr(decode(raw))
    except (ValueError, RecursionError) as exc:
        return type(exc).__name__, str(exc)


CASES = [
    b'{"a": "caf\xc3\xa9", "b": ["\xf0\x9f\x8d\xab", "\xe2\x80\x94 \xc2\xa0"]}',
    b'"\\\xc3\xa9"',  # "\é": an invalid escape, not "\\u00e9"
    b'"\\\\\xc3\xa9"',  # an escaped backslash, then é
    b'"\\\\\\\xc3\xa9"',
    b'"\xed\xa0\xbd\xed\xb8\x80"',  # encoded surrogates stay two, never joined
    b'"\\ud83d\xf0\x9f\x98\x80"',  # an escaped high surrogate before an emoji
    b'"\\ud800\xed\xb0\x80"',
    b'"\\u00\xc3\xa9"',  # an escape cut short by é
    b'{"a": 1\xc3\xa9}',  # non-ASCII outside a string: the same error, same position
    b'["\xc3\xa9", 1,]',  # an error after a non-ASCII character: the bytes' position
    b'"\xff"',  # not UTF-8
    b'"\xc3"',  # cut inside a character
    b"\xef\xbb\xbf" + '"é"'.encode(),  # a UTF-8 BOM
    '["é😀"]'.encode("utf-16"),
    '["é😀"]'.encode("utf-32-le"),
    b'["plain ascii"]',
    b"",
]


@pytest.mark.parametrize("raw", CASES)
def test_same_as_json_loads(raw):
    assert outcome(loads, raw) == outcome(json.loads, raw)


def test_a_deep_document_is_as_deep():
    raw = b"[" * 100_000 + "é".encode() + b"]" * 100_000
    assert outcome(loads, raw)[0] == outcome(json.loads, raw)[0] == "RecursionError"


TEXT = st.text(st.sampled_from([*'ab"\\/{}[],: 0\n', "é", "—", "😀", "\ud83d", "\ude00"]),
               max_size=40)


@SETTINGS
@given(TEXT)
def test_any_text_decodes_as_json_loads_does(text):
    raw = text.encode("utf-8", "surrogatepass")
    assert outcome(loads, raw) == outcome(json.loads, raw)


@SETTINGS
@given(st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
))
def test_any_document_decodes_as_json_loads_does(value):
    raw = json.dumps(value, ensure_ascii=False).encode("utf-8", "surrogatepass")
    assert outcome(loads, raw) == outcome(json.loads, raw)


@pytest.mark.parametrize("step", [1, 2, 3, 5, 64])
@pytest.mark.parametrize("raw", [
    *CASES,
    b'["' + b"a" * 7 + "é—😀".encode() + b"x" * 9 + "é".encode() + b'"]',  # runs across pieces
    b'["' + b"\\" * 3 + "é".encode() + b'"]',
])
def test_pieces_of_any_size_decode_as_json_loads_does(raw, step, monkeypatch):
    """Only the pieces holding non-ASCII bytes are searched: a run or an escape that
    crosses from one piece to the next is read whole, whatever the piece size."""
    from explorer import jsonbytes

    monkeypatch.setattr(jsonbytes, "_STEP", step)
    assert outcome(loads, raw) == outcome(json.loads, raw)


@SETTINGS
@given(TEXT, st.integers(1, 7))
def test_any_text_in_small_pieces_decodes_as_json_loads_does(text, step):
    from explorer import jsonbytes

    raw = text.encode("utf-8", "surrogatepass")
    saved, jsonbytes._STEP = jsonbytes._STEP, step
    try:
        assert outcome(loads, raw) == outcome(json.loads, raw)
    finally:
        jsonbytes._STEP = saved
