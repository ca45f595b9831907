"""A credential an API description puts in the query (or in a header of its own name)
is recorded where it went, as a placeholder, and replay sends it there again, once:
the console script against a loopback server that takes the key only as ``?api_key=``
(or ``X-API-Key:``)."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest

from explorer.sessions.format import read_session

KEY = "k3y-for-the-spec-5517"
DOC = {
    "openapi": "3.0.3",
    "info": {"title": "t", "version": "1"},
    "components": {"securitySchemes": {
        "q": {"type": "apiKey", "in": "query", "name": "api_key"},
        "h": {"type": "apiKey", "in": "header", "name": "X-API-Key"}}},
    "paths": {
        "/by-query": {"get": {"operationId": "by-query", "security": [{"q": []}],
                              "responses": {"200": {"description": "ok"}}}},
        "/by-header": {"get": {"operationId": "by-header", "security": [{"h": []}],
                               "responses": {"200": {"description": "ok"}}}},
    },
}


@pytest.fixture
def keyed():
    """Answers 200 only with the key where the spec says: ?api_key= or X-API-Key:."""
    seen: list[dict] = []

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args) -> None:
            return None

        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            keys = parse_qs(parts.query).get("api_key", [])
            seen.append({"path": parts.path, "keys": keys, "headers": dict(self.headers)})
            good = keys == [KEY] if parts.path == "/by-query" else (
                self.headers.get("X-API-Key") == KEY)
            body = json.dumps({"ok": good}).encode()
            self.send_response(200 if good else 401)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    server.seen = seen
    server.url = f"http://127.0.0.1:{server.server_port}"
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


def test_recorded_where_the_spec_put_it_and_replayed_there_once(keyed, run, tmp_path):
    spec = tmp_path / "spec.json"
    spec.write_text(json.dumps(DOC))
    session = tmp_path / "keyed.jsonl"
    base = ["--url", keyed.url, "--spec", str(spec), "--api-key", KEY]
    for command in ("by-query", "by-header"):
        done = run(*base, "--record", str(session), command)
        assert done.returncode == 0, done.stderr
    text = session.read_text()
    assert KEY not in text
    query_step, header_step = read_session(session).exchanges
    assert query_step.request["query"] == ["api_key={{api_key}}"]
    assert {k.lower() for k in query_step.request["headers"]} == set()
    assert header_step.request["headers"] == {"X-API-Key": "{{api_key}}"}
    keyed.seen.clear()
    for extra in ([], ["--spec", str(spec)]):  # the session alone, or with the spec again
        replayed = run("--url", keyed.url, "--api-key", KEY, *extra, "replay", str(session))
        assert replayed.returncode == 0, replayed.stdout + replayed.stderr
        by_query, by_header = keyed.seen[-2:]
        assert by_query["keys"] == [KEY]  # there, and once
        assert by_header["headers"].get("X-API-Key") == KEY
