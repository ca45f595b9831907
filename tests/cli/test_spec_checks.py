"""Checks against the API description, end to end: request items before sending (a
warning with a caret, still sent; --strict refuses with exit 2), and answers after
(probe --check, replay --check-spec: each mismatch with its JSON path, exit 1)."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

SPEC = {
    "openapi": "3.1.0",
    "info": {"title": "Things", "version": "1"},
    "paths": {
        "/things": {
            "get": {
                "operationId": "things/list",
                "parameters": [
                    {"name": "state", "in": "query",
                     "schema": {"type": "string", "enum": ["open", "closed"]}},
                    {"name": "per_page", "in": "query", "schema": {"type": "integer"}},
                ],
                "responses": {"200": {"description": "ok", "content": {"application/json": {
                    "schema": {"type": "array", "items": {"$ref": "#/components/schemas/Thing"}}
                }}}},
            },
            "post": {
                "operationId": "things/create",
                "requestBody": {"required": True, "content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/Thing"}}}},
                "responses": {"201": {"description": "made", "content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/Thing"}}}}},
            },
        },
        "/things/{id}": {"get": {
            "operationId": "things/get",
            "parameters": [{"name": "id", "in": "path", "required": True,
                            "schema": {"type": "integer"}}],
            "responses": {"200": {"description": "ok", "content": {"application/json": {
                "schema": {"$ref": "#/components/schemas/Thing"}}}}},
        }},
    },
    "components": {"schemas": {"Thing": {
        "type": "object", "required": ["id", "name"],
        "properties": {"id": {"type": "integer"}, "name": {"type": "string"},
                       "parent": {"anyOf": [{"$ref": "#/components/schemas/Thing"},
                                            {"type": "null"}]}},
    }}},
}
ANSWERS = {
    "/things": [{"id": 1, "name": "a", "parent": None},
                {"id": "two", "name": "b", "parent": {"id": 1}}],
    "/things/1": {"id": 1, "name": "a", "parent": None},
}


class _Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def _answer(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        self.server.seen.append(self.path)
        path = self.path.split("?", 1)[0]
        if path in ANSWERS:
            self._answer(200, ANSWERS[path])
        else:
            self._answer(404, {"message": "no"})

    def do_POST(self):
        self.server.seen.append(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = json.loads(self.rfile.read(length) or b"{}")
        self._answer(201, {"id": 3, **body})


@pytest.fixture
def things(tmp_path):
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.seen = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    spec = tmp_path / "things.json"
    spec.write_text(json.dumps(SPEC))
    yield server, [f"--url=http://127.0.0.1:{server.server_address[1]}", "--spec", str(spec)]
    server.shutdown()
    server.server_close()


def test_a_request_that_breaks_the_spec_is_warned_about_and_still_sent(run, things):
    server, base = things
    result = run(*base, "things", "list", "per_pag==5", "state==opn")
    assert result.returncode == 0
    assert server.seen == ["/things?per_pag=5&state=opn"]
    lines = result.stderr.splitlines()
    assert lines[:6] == [
        "explorer: warning: per_pag==5: unknown query parameter 'per_pag' (the spec declares: "
        "state, per_page)",
        "  per_pag==5",
        "  ^^^^^^^",
        "explorer: warning: state==opn: query parameter 'state': 'opn' is not one of 'open', "
        "'closed'",
        "  state==opn",
        "         ^^^",
    ]


def test_strict_refuses_with_exit_2_and_sends_nothing(run, things):
    server, base = things
    result = run(*base, "things", "create", "id:=\"x\"", "--strict")
    assert result.returncode == 2
    assert server.seen == []
    assert "explorer: warning: body: missing required field 'name' (string)" in result.stderr
    assert "explorer: warning: id:=\"x\": body field id: 'x' is not an integer" in result.stderr
    assert "explorer: --strict: not sent, 2 problems against the spec" in result.stderr
    ok = run(*base, "call", "POST", "/things", "id:=3", "name=c", "--strict")
    assert ok.returncode == 0 and ok.stderr == "" and server.seen == ["/things"]


def test_probe_check_reports_each_mismatch_with_its_json_path(run, things):
    _server, base = things
    result = run(*base, "probe", "--check")
    assert result.returncode == 1, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split()[-1] == "CHECK"
    row = next(line for line in lines if line.startswith("GET /things "))
    assert row.endswith("2 mismatches")
    one = next(line for line in lines if line.startswith("GET /things/:id "))
    assert one.endswith("  ok")
    assert "GET /things: $[1].id: 'two' is not an integer" in lines
    assert "GET /things: $[1].parent: 'name' is a required property" in lines


def test_replay_check_spec_fails_the_steps_whose_answers_break_their_schema(run, things):
    _server, base = things
    session = run.home / "s.jsonl"
    for args in (["things", "list"], ["things", "get", "1"]):
        assert run(*base, "--record", str(session), *args).returncode == 0
    plain = run(*base, "replay", str(session))
    assert plain.returncode == 0, plain.stdout + plain.stderr
    checked = run(*base, "replay", str(session), "--check-spec")
    assert checked.returncode == 1
    assert "$[1].id: 'two' is not an integer (against the spec's response schema)" in (
        checked.stdout)
    assert "step 2" not in checked.stdout or "passed" in checked.stdout
