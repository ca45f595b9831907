"""A recorded request is a template: a {{ the user typed is escaped, and replay sends it
back as typed; a session line must be what could go on the wire."""

from __future__ import annotations

import json

import pytest

from explorer.client.models import RequestSpec, Response
from explorer.errors import SessionError
from explorer.sessions.format import (
    Placeholder,
    escape_braces,
    inline_body,
    parse_session,
    read_session,
    template_parts,
)
from explorer.sessions.recorder import Recorder
from explorer.sessions.redact import Redactor
from explorer.sessions.replay import Replayer

HEADER = {"session": "explorer", "format": 1, "explorer": "0", "created": "x",
          "vars": {"base_url": "http://h"}, "routes": None, "auth": None}


def test_template_parts_read_placeholders_escapes_and_old_files():
    assert template_parts("a{{x}}b") == ["a", Placeholder("x"), "b"]
    assert template_parts("{{'{{'}}x}}") == ["{{x}}"]
    for text in ("{{x}}", "{{{", "{{'{{'}}", "a{{b}}c{{", "}}{{", "{{ x }}", ""):
        assert template_parts(escape_braces(text)) == ([text] if text else [])


def test_a_typed_braces_is_recorded_escaped_and_replayed_as_typed(tmp_path):
    """``note='{{draft}}'`` and ``X-Tag:{{draft}}`` are data: recorded escaped, sent back
    verbatim; the token the client added stays a placeholder, filled at replay."""
    path = tmp_path / "s.jsonl"
    recorder = Recorder.open(path, base_url="http://h", secrets=["s3cr3t-token"],
                             routes_fingerprint=None)
    spec = RequestSpec("POST", "/notes/{{id}}", query=["q=%7B%7Bx%7D%7D", "raw={{y}}"],
                       headers={"X-Tag": "{{draft}}", "X-Key": "s3cr3t-token"})
    spec.json = {"note": "{{draft}} and {{'{{'}}", "{{key}}": 1}
    assert recorder.wrap(spec, Response.streaming(200, iter([b"{}"]))).content == b"{}"
    recorder.close()
    line = json.loads(path.read_text().splitlines()[1])["request"]
    assert line["path"] == "/notes/{{'{{'}}id}}"
    assert line["query"] == ["q=%7B%7Bx%7D%7D", "raw={{'{{'}}y}}"]
    assert line["headers"] == {"X-Tag": "{{'{{'}}draft}}", "X-Key": "{{secret}}"}
    assert line["body"]["json"] == {"note": "{{'{{'}}draft}} and {{'{{'}}'{{'{{'}}'}}",
                                    "{{key}}": 1}

    sent = []

    def send(built):
        sent.append(built)
        return Response.streaming(200, iter([b"{}"]))

    Replayer(read_session(path), send=send, base_url="http://h",
             variables={"secret": "another"}).run()
    (built,) = sent
    assert built.path == "/notes/{{id}}"
    assert built.query == ["q=%7B%7Bx%7D%7D", "raw={{y}}"]
    assert built.headers == {"X-Tag": "{{draft}}", "X-Key": "another"}
    assert built.json == {"note": "{{draft}} and {{'{{'}}", "{{key}}": 1}


def test_a_session_written_before_the_escape_reads_as_before(tmp_path):
    path = tmp_path / "old.jsonl"
    step = {"step": 1, "request": {"method": "GET", "path": "/x", "query": ["k={{v}}"],
                                   "headers": {"X-A": "{{v}}"}, "body": None},
            "response": {"status": 200}}
    path.write_text(json.dumps(HEADER) + "\n" + json.dumps(step) + "\n")
    sent = []
    Replayer(read_session(path), send=lambda b: sent.append(b) or Response.streaming(
        200, iter([b""])), base_url="http://h", variables={"v": "a b"}).run()
    assert sent[0].query == ["k=a%20b"] and sent[0].headers == {"X-A": "a b"}


def test_an_id_a_server_gives_is_data_and_dots_are_never_a_path(tmp_path):
    """The server's id is never filled in (one holding ``{{token}}`` stays so), and one
    that is ``..`` (or ``.``, or empty) fails the step that would use it in a path."""
    path = tmp_path / "ids.jsonl"
    lines = [HEADER]
    for n in (1, 3, 5):
        lines += [
            {"step": n, "route": "POST /things",
             "request": {"method": "POST", "path": "/things", "query": [], "headers": {},
                         "body": None},
             "response": {"status": 201, "body": {"json": {"id": f"r{n}"}}}},
            {"step": n + 1, "route": "PUT /things/:id",
             "request": {"method": "PUT", "path": f"/things/r{n}", "query": [],
                         "headers": {}, "body": {"json": {"thing_id": f"r{n}"}}},
             "response": {"status": 200}},
        ]
    path.write_text("".join(json.dumps(x) + "\n" for x in lines))
    answers = iter(["{{token}}", "..", ""])
    sent = []

    def send(built):
        sent.append(built)
        if built.method == "POST":
            return Response.streaming(201, iter([json.dumps({"id": next(answers)}).encode()]),
                                      headers={"Content-Type": "application/json"})
        return Response.streaming(200, iter([b""]))

    report = Replayer(read_session(path), send=send, base_url="http://h",
                      profile=lambda name: "REAL-TOKEN").run()
    assert [(b.method, b.path) for b in sent] == [
        ("POST", "/things"), ("PUT", "/things/%7B%7Btoken%7D%7D"), ("POST", "/things"),
        ("POST", "/things")]
    assert sent[1].json == {"thing_id": "{{token}}"}
    failed = [r for r in report.results if r.result == "error"]
    assert [r.step for r in failed] == [4, 6]
    assert "the id '..' cannot be used as a path segment" in failed[0].failures[0].actual
    assert "the id '' cannot be used as a path segment" in failed[1].failures[0].actual


@pytest.mark.parametrize(("line", "message"), [
    ('{"step":1,"request":{"method":"GET","path":"/x","body":{"json":NaN}},'
     '"response":{"status":200}}', "the request body holds a number outside JSON"),
    ('{"step":1,"request":{"method":"GET","path":"/x","body":{"json":1e400}},'
     '"response":{"status":200}}', "the request body holds a number outside JSON"),
    ('{"step":1,"request":{"method":"GET /y HTTP/1.1\\r\\nX:","path":"/x"},'
     '"response":{"status":200}}', "is not an HTTP method"),
    ('{"step":1,"request":{"method":"GET","path":"/x","headers":{"X-A":"v\\r\\nX-B: w"}},'
     '"response":{"status":200}}', "the X-A header holds a line break"),
    ('{"step":1,"request":{"method":"GET","path":"/x","headers":{"X A":"v"}},'
     '"response":{"status":200}}', "'X A' is not a header name"),
    ('{"step":1,"request":{"method":"GET","path":"/x HTTP/1.1"},"response":{"status":200}}',
     "is not a wire-ready path"),
    ('{"step":1,"request":{"method":"GET","path":"/x","query":["a=b c"]},'
     '"response":{"status":200}}', "is not wire-ready"),
])
def test_a_session_line_that_could_not_go_on_the_wire_is_refused(tmp_path, line, message):
    data = (json.dumps(HEADER) + "\n" + line + "\n").encode()
    with pytest.raises(SessionError, match=message):
        parse_session(data, path=tmp_path / "bad.jsonl")


def test_a_request_body_that_is_not_standard_json_is_kept_as_text():
    for text in ('{"n": NaN}', '{"n": 1e400}'):
        assert inline_body(text.encode(), "application/json", Redactor(),
                           template=True) == {"text": text}
