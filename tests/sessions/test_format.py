"""Reading session files: torn last lines, corrupt lines, versions, bodies."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from explorer.errors import SessionError
from explorer.sessions.format import FORMAT_VERSION, body_bytes, dumps_line, read_session

HEADER = {"session": "explorer", "format": 1, "explorer": "0.1.0", "created": "x",
          "vars": {"base_url": "http://h"}, "routes": None, "auth": None}


def _exchange(step: int) -> dict:
    return {"step": step, "time": "t", "command": None, "route": None,
            "request": {"method": "GET", "url": "{{base_url}}/x", "path": "/x", "query": [],
                        "headers": {}, "body": None},
            "response": {"status": 200, "reason": "OK", "headers": {},
                         "body": {"json": {"n": step}}, "duration_ms": 1.0}}


def _write(tmp_path, data: bytes):
    path = tmp_path / "s.jsonl"
    path.write_bytes(data)
    return path


def test_a_torn_last_line_is_skipped_with_a_warning(tmp_path):
    data = dumps_line(HEADER) + dumps_line(_exchange(1)) + dumps_line(_exchange(2))[:40]
    session = read_session(_write(tmp_path, data))
    assert [e.step for e in session.exchanges] == [1]
    assert "truncated last line" in session.warnings[0] and ":3:" in session.warnings[0]


def test_a_complete_last_line_without_newline_is_kept(tmp_path):
    data = dumps_line(HEADER) + dumps_line(_exchange(1)).rstrip(b"\n")
    assert len(read_session(_write(tmp_path, data))) == 1


def test_a_corrupt_line_in_the_middle_names_file_and_line(tmp_path):
    data = dumps_line(HEADER) + b"{not json\n" + dumps_line(_exchange(2))
    with pytest.raises(SessionError, match=r"s\.jsonl:2: not valid JSON"):
        read_session(_write(tmp_path, data))


def test_a_newer_format_is_refused(tmp_path):
    header = dict(HEADER, format=FORMAT_VERSION + 1)
    with pytest.raises(SessionError, match="upgrade explorer"):
        read_session(_write(tmp_path, dumps_line(header)))


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty session file"),
        (b'{"hello": 1}\n', "not an explorer session"),
        (dumps_line(HEADER) + b'{"request": {}}\n', "needs a request and a response"),
        (dumps_line(HEADER) + b"[1, 2]\n", "must be a JSON object"),
        (b"\xff\xfe\n\n", "not UTF-8|not valid JSON"),
    ],
)
def test_bad_files_raise_session_errors(tmp_path, data, message):
    with pytest.raises(SessionError, match=message):
        read_session(_write(tmp_path, data))


def test_a_missing_file(tmp_path):
    with pytest.raises(SessionError, match="no such session file"):
        read_session(tmp_path / "nope.jsonl")


def test_body_files_must_stay_beside_the_session(tmp_path):
    with pytest.raises(SessionError, match="outside the session's directory"):
        body_bytes({"file": "../../etc/passwd"}, tmp_path)
    with pytest.raises(SessionError, match="missing"):
        body_bytes({"file": "s.jsonl.d/gone.bin"}, tmp_path)
    assert body_bytes({"json": {"a": 1}}, tmp_path) == b'{"a": 1}'
    assert body_bytes(None, tmp_path) is None


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300))
def test_any_bytes_either_read_or_raise_a_session_error(tmp_path_factory, data):
    path = tmp_path_factory.mktemp("fuzz") / "s.jsonl"
    path.write_bytes(dumps_line(HEADER) + data)
    try:
        read_session(path)
    except SessionError:
        pass


def test_lines_are_compact_and_keep_unicode():
    line = dumps_line({"b": 1, "a": "µ"})
    assert line == '{"b":1,"a":"µ"}\n'.encode()
    assert json.loads(line) == {"b": 1, "a": "µ"}
