"""A stub /discover server whose answer, ETag and failures the test controls."""

from __future__ import annotations

import hashlib
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest


class _Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_GET(self):
        stub = self.server.stub
        stub.requests.append(
            {"path": self.path, "if_none_match": self.headers.get("If-None-Match")}
        )
        body = stub.body if stub.body is not None else json.dumps({"data": stub.routes}).encode()
        etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
        if self.headers.get("If-None-Match") == etag and stub.status == 200:
            self.send_response(304)
            self.send_header("ETag", etag)
            self.end_headers()
            return
        self.send_response(stub.status)
        self.send_header("Content-Type", "application/json")
        self.send_header("ETag", etag)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class Stub:
    def __init__(self):
        self.routes = [
            {"method": "GET", "path": "/public/v1/instruments/:id?"},
            {"method": "POST", "path": "/public/v1/instruments"},
        ]
        self.body: bytes | None = None
        self.status = 200
        self.requests: list[dict] = []
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.server.stub = self
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def stub():
    s = Stub()
    yield s
    s.stop()
