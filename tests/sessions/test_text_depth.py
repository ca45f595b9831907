"""format.text_within: the depth of a JSON text read from its bytes, which replay and
the session reader ask before walking a value (format.depth_over) for the depth limit."""

from __future__ import annotations

import json

import pytest

from explorer.sessions.format import MAX_DEPTH, depth_over, json_depth_over, text_within

TEXTS = [
    "1",
    "[]",
    '{"a": [1, {"b": [[]]}], "c": {}}',
    '["[[[[", "]]]]", "{{{", "}"]',  # brackets in strings are not levels
    '{"a\\"[[": ["\\\\", "\\"]", [["\\\\\\"{"]]]}',  # escaped quotes and backslashes
    '["", "", [""], "[]", "\\u005b"]',
    '{"é[": ["ü", {"ß": "]]"}]}',
    "[" * 40 + '"]]]"' + "]" * 40,
]


def _depth(value) -> int:
    if isinstance(value, list):
        return 1 + max(map(_depth, value), default=0)
    if isinstance(value, dict):
        return 1 + max(map(_depth, value.values()), default=0)
    return 0


@pytest.mark.parametrize("text", TEXTS)
def test_the_text_tells_the_depth_of_its_value(text):
    value = json.loads(text)
    levels = _depth(value)
    for data in (text.encode(), json.dumps(value, ensure_ascii=False).encode(),
                 json.dumps(value, indent=1).encode()):
        for limit in range(max(levels - 2, 0), levels + 2):
            assert text_within(data, limit) is (levels <= limit), (data, limit)
            assert json_depth_over(data, value, limit) is depth_over(value, limit)


def test_a_key_given_twice_is_walked_for_the_depth_its_value_has():
    data = b'{"a": [[[[[[]]]]]], "a": 1}'  # the text nests 7 levels, its value 1
    assert not text_within(data, 2)
    assert json_depth_over(data, json.loads(data), 2) is False


def test_a_text_not_in_utf8_is_walked():
    value = ["[[[", [[1]]]
    data = json.dumps(value).encode("utf-16")
    assert not text_within(data, 3)
    assert json_depth_over(data, json.loads(data), 3) is False
    assert json_depth_over(data, json.loads(data), 2) is True


def test_the_limit_of_a_session_body():
    deep = "[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1)
    assert not text_within(deep.encode(), MAX_DEPTH)
    assert text_within(deep[1:-1].encode(), MAX_DEPTH)
