"""A hostile API on loopback that captures every request exactly as it arrived.

It plays the API an attacker controls: ``POST /things`` answers ids of its choosing
(:attr:`CaptureServer.ids`: ``..``, a ``$(...)``, a ``/``), ``/discover`` lists routes
whose paths hold shell and Python syntax, and anything else answers ``{"ok": true}``.
Every request is kept as :class:`Captured`: the method and target of the request line as
sent, the headers in order, the body bytes (a chunked body decoded).
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

#: a listing whose routes are hostile text (quotes, $(...), backquotes, a newline)
LISTING = [
    {"method": "GET", "path": "/things/:id"},
    {"method": "POST", "path": "/things"},
    {"method": "DELETE", "path": "/things/:id"},
    {"method": "GET", "path": "/q'u\"o`>pwned-route`;>pwned-route2/:id"},
    {"method": "GET", "path": "/nl\n$(touch pwned-route-nl)"},
]


@dataclass
class Captured:
    method: str
    target: str
    headers: list[tuple[str, str]]
    body: bytes

    def header(self, name: str) -> str | None:
        return next((v for k, v in self.headers if k.lower() == name.lower()), None)


class CaptureServer:
    def __init__(self) -> None:
        self.captured: list[Captured] = []
        #: the ids POST /things answers, in turn (then "t-last" forever)
        self.ids: list[object] = []
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def __enter__(self) -> CaptureServer:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()

    def take(self) -> list[Captured]:
        """The requests captured so far (``/discover`` left out), and forget them."""
        with self._lock:
            taken, self.captured = self.captured, []
        return [c for c in taken if not c.target.endswith("/discover")]

    def _answer(self, captured: Captured) -> tuple[int, bytes]:
        path = captured.target.split("?", 1)[0]  # after any base path the client put first
        if path.endswith("/discover"):
            return 200, json.dumps({"data": LISTING}).encode()
        if captured.method == "POST" and path.endswith("/things"):
            with self._lock:
                thing = self.ids.pop(0) if self.ids else "t-last"
            return 201, json.dumps({"id": thing, "name": "thing"}).encode()
        return 200, b'{"ok": true}'

    def _handler(self):
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args) -> None:
                pass

            def _any(self) -> None:
                line = self.raw_requestline.decode("latin-1").rstrip("\r\n")
                method, target, _ = line.split(" ", 2)
                if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
                    body = self._chunked()
                else:
                    body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                captured = Captured(method, target, list(self.headers.items()), body)
                with server._lock:
                    server.captured.append(captured)
                status, answer = server._answer(captured)
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                if method != "HEAD":
                    self.wfile.write(answer)

            def _chunked(self) -> bytes:
                body = b""
                while True:
                    size = int(self.rfile.readline().split(b";")[0], 16)
                    if not size:
                        self.rfile.readline()
                        return body
                    body += self.rfile.read(size)
                    self.rfile.readline()

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = _any

        return Handler
