"""A small HTTP or HTTPS server on 127.0.0.1 for the secret checks (stdlib only).

    GET /discover          {"data": [{"method": "GET", "path": "/echo-headers"}, ...]}
    GET /echo-headers      200, the request's headers as JSON
    GET /redirect-host     302 to the same port on ``localhost`` (another host), /echo-headers
    GET /redirect-same     302 to /echo-headers on 127.0.0.1 (the same host)

Every request's headers and the Host it named are kept in :attr:`EchoServer.seen`.
:func:`self_signed` makes a certificate for 127.0.0.1 and localhost with ``openssl``.
"""

from __future__ import annotations

import json
import shutil
import ssl
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROUTES = [
    {"method": "GET", "path": "/echo-headers"},
    {"method": "GET", "path": "/redirect-host"},
    {"method": "GET", "path": "/redirect-same"},
]


def self_signed(directory: Path) -> tuple[Path, Path]:
    """(certificate, key) for CN 127.0.0.1 with SANs IP:127.0.0.1 and DNS:localhost."""
    openssl = shutil.which("openssl")
    if openssl is None:
        raise RuntimeError("the TLS tests need the openssl command (apt-get install openssl)")
    cert, key = directory / "cert.pem", directory / "key.pem"
    subprocess.run(
        [openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
         "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
         "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True, timeout=60,
    )
    return cert, key


class EchoServer:
    def __init__(self, *, tls: tuple[Path, Path] | None = None) -> None:
        self.tls = tls
        self.seen: list[dict[str, str]] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args) -> None:
                pass

            def do_GET(self) -> None:
                headers = dict(self.headers.items())
                server.seen.append({"path": self.path, **headers})
                path = self.path.split("?")[0]
                if path == "/discover":
                    self._json({"data": ROUTES})
                elif path == "/echo-headers":
                    self._json(headers)
                elif path in ("/redirect-host", "/redirect-same"):
                    host = "localhost" if path == "/redirect-host" else "127.0.0.1"
                    self.send_response(302)
                    self.send_header("Location", f"{server.scheme}://{host}:{server.port}"
                                                 "/echo-headers")
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                else:
                    self._json({"code": 404, "message": "no such path"}, status=404)

            def _json(self, data, status: int = 200) -> None:
                body = json.dumps(data).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        if tls is not None:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(str(tls[0]), str(tls[1]))
            self.httpd.socket = context.wrap_socket(self.httpd.socket, server_side=True)
        self.port = self.httpd.server_address[1]
        self.scheme = "https" if tls else "http"
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def url(self) -> str:
        return f"{self.scheme}://127.0.0.1:{self.port}"

    def __enter__(self) -> EchoServer:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
