"""A tiny recording HTTP server for client tests: it answers by path and keeps every
request it saw (raw target, headers, body), so tests can assert what went on the wire."""

from __future__ import annotations

import json
import socket
import time

import pytest
from loopback import QuietHandler, serving


class Recorder(QuietHandler):
    protocol_version = "HTTP/1.1"

    def _handle(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        self.server.seen.append(
            {
                "method": self.command,
                "target": self.path,
                "headers": dict(self.headers),
                "body": body,
            }
        )
        path = self.path.split("?")[0]
        if path.startswith("/status/"):
            code = int(path.rsplit("/", 1)[1])
            return self._send(code, {"code": code, "message": f"status {code}"})
        if path == "/redirect":
            to = self.path.split("to=", 1)[1]
            self.send_response(302)
            self.send_header("Location", to)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return None
        if path == "/loop":
            self.send_response(302)
            self.send_header("Location", "/loop")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return None
        if path == "/slow":
            time.sleep(3)
            return self._send(200, {"slow": True})
        if path == "/cut":
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", "100000")
            self.end_headers()
            self.wfile.write(b'{"data": [' + b"1," * 100)
            self.wfile.flush()
            self.connection.shutdown(socket.SHUT_RDWR)
            return None
        return self._send(200, {"ok": True, "target": self.path})

    def _send(self, code, payload):
        data = json.dumps(payload).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = _handle


@pytest.fixture
def echo():
    with serving(Recorder) as server:
        server.seen = []
        yield server


@pytest.fixture
def closed_port():
    """A loopback port with nothing listening."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
