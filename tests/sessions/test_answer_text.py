"""The text of each recorded JSON answer, kept as read from its session line
(Exchange.response_text): a line is read to the same value as one parse of it gives,
however it is laid out, and replay takes an answer of exactly those bytes as the
recorded value; any other answer is parsed and checked as before."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from explorer.client.models import Response
from explorer.sessions.format import dumps_line, make_header, parse_session, read_session
from explorer.sessions.replay import Replayer

HEADER = make_header(base_url="http://127.0.0.1:9", routes_fingerprint=None, auth=None,
                     created="2024-05-01T09:00:00Z", version="0.1.0")
ANSWER = {"data": [{"id": "a1", "name": "Hamilton", "tags": ["[", "{\"x\"}"]}], "total": 1}


def _line(answer, *, request_body=None, first="request") -> bytes:
    request = {"method": "GET", "url": "{{base_url}}/items", "path": "/items", "query": [],
               "headers": {}, "body": request_body}
    response = {"status": 200, "reason": "OK", "headers": {"Content-Type": "application/json"},
                "body": {"json": answer}, "duration_ms": 4.2}
    parts = {"request": request, "response": response}
    if first == "response":
        parts = {"response": response, "request": request}
    return dumps_line({"step": 1, "time": "2024-05-01T09:00:02.120Z", "command": None,
                       "route": None, **parts})


def _parse(line: bytes):
    data = dumps_line(HEADER) + line
    (exchange,) = parse_session(data, path=Path("s.jsonl")).exchanges
    assert exchange.raw == json.loads(line)  # what one parse of the line gives
    return exchange


def test_a_recorded_session_keeps_the_text_of_each_json_answer(labos_session):
    exchanges = read_session(labos_session).exchanges
    answers = [e for e in exchanges if e.response_json is not None]
    assert answers and all(e.response_text is not None for e in answers)
    for exchange in answers:
        assert json.loads(exchange.response_text) == exchange.response_json
        assert exchange.response_text in labos_session.read_bytes()


def test_the_answer_text_of_a_line_as_the_recorder_writes_it():
    exchange = _parse(_line(ANSWER))
    assert exchange.response_text == json.dumps(ANSWER, separators=(",", ":")).encode()


@pytest.mark.parametrize("line", [
    # the marks the answer is found by, inside the request's body and inside the answer
    _line(ANSWER, request_body={"json": {"response": {"body": {"json": 1}, "duration_ms": 1}}}),
    _line({"response": {"status": 1, "body": {"json": [2]}, "duration_ms": 3}}),
    _line(ANSWER, first="response"),
    _line(None),
    _line([]),
    _line(ANSWER).replace(b'"duration_ms":4.2}', b'"duration_ms":4.2,"x":1}'),
    _line(ANSWER).rstrip(b"\n") + b"\r\n",
    _line(ANSWER).replace(b'"total":1', b'"total":1,"total":2'),
], ids=["marks-in-request", "marks-in-answer", "response-first", "null", "empty-list",
        "field-after-duration", "crlf", "key-twice"])
def test_a_line_laid_out_otherwise_reads_as_one_parse_of_it(line):
    exchange = _parse(line)
    if exchange.response_text is not None:
        assert json.loads(exchange.response_text) == exchange.response_json


def test_an_answer_with_nan_keeps_no_text():
    exchange = _parse(_line(ANSWER).replace(b'"total":1', b'"total":NaN'))
    assert exchange.response_text is None


def _replay(tmp_path: Path, line: bytes, served: bytes):
    path = tmp_path / "s.jsonl"
    path.write_bytes(dumps_line(HEADER) + line)
    session = read_session(path)

    def send(spec):
        return Response.of(200, served, headers={"Content-Type": "application/json"})

    return Replayer(session, send=send, base_url="http://127.0.0.1:9").run().results[0]


def test_an_answer_of_the_recorded_bytes_passes(tmp_path):
    served = json.dumps(ANSWER, separators=(",", ":")).encode()
    result = _replay(tmp_path, _line(ANSWER), served)
    assert result.result == "passed", result.messages()


def test_a_recorded_answer_edited_by_hand_is_checked_against_the_server(tmp_path):
    served = json.dumps(ANSWER, separators=(",", ":")).encode()
    line = _line(ANSWER).replace(b'"Hamilton"', b'"Tecan"')
    result = _replay(tmp_path, line, served)
    assert result.result == "failed"
    assert result.messages() == ['step 1 (GET /items): $.data[0].name: expected "Tecan", '
                                 'got "Hamilton"']

