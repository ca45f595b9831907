"""The one small helper behind the tests' real-socket servers (the ones that must be
real: a subprocess talks to them, or they test TLS or the bytes on the wire; tests that
only need canned answers use explorer.client.transport.MockTransport instead).

    with serving(Handler) as server:          # a ThreadingHTTPServer on 127.0.0.1:0
        Client(server.url) ...                # https://... with tls=(cert, key)
"""

from __future__ import annotations

import json
import ssl
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path


class QuietHandler(BaseHTTPRequestHandler):
    """A handler that logs nothing and can answer JSON in one call."""

    def log_message(self, *args) -> None:
        return

    def send_json(self, data, status: int = 200, headers: dict[str, str] | None = None) -> None:
        body = json.dumps(data).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@contextmanager
def serving(
    handler: type[BaseHTTPRequestHandler], *, tls: tuple[Path, Path] | None = None
) -> Iterator[ThreadingHTTPServer]:
    """``handler`` served on a free loopback port from a daemon thread (``server.url``,
    ``server.scheme``), with TLS when ``tls`` is (cert, key); stopped on exit."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    server.handle_error = lambda request, address: None  # a client hung up: expected
    if tls is not None:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(str(tls[0]), str(tls[1]))
        server.socket = context.wrap_socket(server.socket, server_side=True)
    server.scheme = "https" if tls else "http"
    server.port = server.server_address[1]
    server.url = f"{server.scheme}://127.0.0.1:{server.port}"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                              daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
