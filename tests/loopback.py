"""The one small helper behind the tests' real-socket servers (the ones that must be
real: a subprocess talks to them, or they test TLS or the bytes on the wire; tests that
only need canned answers use explorer.client.transport.MockTransport instead).

    with serving(Handler) as server:          # a ThreadingHTTPServer on 127.0.0.1:0
        Client(server.url) ...                # https://... with tls=(cert, key)

    server = RawServer(lambda target: (b"302 Found", [(b"Location", b"http://[/y")], b""))
                                              # bytes no http.server would send
"""

from __future__ import annotations

import json
import socket
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



class RawServer:
    """Answers every request with the raw bytes ``answer(target)`` gives, as
    ``(status line, [(name, value)], body)``: headers a hostile server might send
    (a Location that is no URL, cookies holding quotes) exactly as given.
    ``targets`` keeps the request targets; :meth:`close` stops it."""

    def __init__(self, answer) -> None:
        self.answer = answer
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        self.targets: list[str] = []
        threading.Thread(target=self._loop, daemon=True).start()

    def _loop(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            with conn:
                data = b""
                while b"\r\n\r\n" not in data:
                    chunk = conn.recv(65536)
                    if not chunk:
                        break
                    data += chunk
                if not data:
                    continue
                target = data.split(b"\r\n", 1)[0].split(b" ")[1].decode("latin-1")
                self.targets.append(target)
                status, headers, body = self.answer(target)
                head = b"HTTP/1.1 " + status + b"\r\n" + b"".join(
                    name + b": " + value + b"\r\n" for name, value in headers)
                conn.sendall(head + b"Content-Length: %d\r\nConnection: close\r\n\r\n"
                             % len(body) + body)

    def close(self) -> None:
        self.sock.close()
