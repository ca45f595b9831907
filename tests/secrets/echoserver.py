"""A small HTTP or HTTPS server on 127.0.0.1 for the secret checks (stdlib only).

    GET /discover          {"data": [{"method": "GET", "path": "/echo-headers"}, ...]}
    GET /echo-headers      200, the request's headers as JSON
    GET /redirect-host     302 to the same port on ``localhost`` (another host), /echo-headers
    GET /redirect-same     302 to /echo-headers on 127.0.0.1 (the same host)

Every request's headers and the Host it named are kept in :attr:`EchoServer.seen`.
:func:`self_signed` makes a certificate for 127.0.0.1 and localhost with ``openssl``.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from loopback import QuietHandler, serving

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
    """The server, on the tests' one real-socket helper (tests/loopback.py)."""

    def __init__(self, *, tls: tuple[Path, Path] | None = None) -> None:
        self.tls = tls
        self.seen: list[dict[str, str]] = []
        server = self

        class Handler(QuietHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                headers = dict(self.headers.items())
                server.seen.append({"path": self.path, **headers})
                path = self.path.split("?")[0]
                if path == "/discover":
                    self.send_json({"data": ROUTES})
                elif path == "/echo-headers":
                    self.send_json(headers)
                elif path in ("/redirect-host", "/redirect-same"):
                    host = "localhost" if path == "/redirect-host" else "127.0.0.1"
                    self.send_response(302)
                    self.send_header("Location", f"{server.scheme}://{host}:{server.port}"
                                                 "/echo-headers")
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                else:
                    self.send_json({"code": 404, "message": "no such path"}, status=404)

        self._serving = serving(Handler, tls=tls)

    def __enter__(self) -> EchoServer:
        httpd = self._serving.__enter__()
        self.port, self.scheme, self.url = httpd.port, httpd.scheme, httpd.url
        return self

    def __exit__(self, *exc) -> None:
        self._serving.__exit__(*exc)
