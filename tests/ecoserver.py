"""A loopback HTTP(S) server for downloads, cookies and HTTP Digest (stdlib only).

    GET /discover                 the routes below
    GET /files/NAME?size=N&cd=VALUE&ranges=0&drop=K&type=T
        N deterministic bytes (default 300,000; byte i is i % 251), Content-Length,
        ``Accept-Ranges: bytes`` and ``Range: bytes=A-`` answered with 206 (416 past the
        end), unless ``ranges=0``; ``cd`` is sent as Content-Disposition as given;
        ``drop=K`` sends K bytes of the body, then resets the connection.
    GET /cookies/set?NAME=VALUE   200, ``Set-Cookie: NAME=VALUE; Path=/``
    GET /cookies                  200, {"cookie": the Cookie header or null}
    POST /anything                200 {"received": N}, the body kept in ``seen``
    GET /digest/...               200 {"user": ...} for HTTP Digest (RFC 7616: MD5 or
                                  SHA-256, qop=auth) as ``user``/``passwd``; else 401
                                  with the challenge (``?algorithm=SHA-256``)

Every request's method, target and headers are kept in :attr:`EcoServer.seen`.
:func:`certificates` makes a CA, a server certificate for 127.0.0.1 and a client
certificate with the ``cryptography`` package, for TLS tests.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import secrets
import socket
import ssl
import struct
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

DIGEST_USER, DIGEST_PASSWORD, DIGEST_REALM = "user", "passwd", "eco@127.0.0.1"
ROUTES = [{"method": "GET", "path": "/files/:name"}, {"method": "GET", "path": "/cookies/set"},
          {"method": "GET", "path": "/cookies"}, {"method": "GET", "path": "/digest"},
          {"method": "POST", "path": "/anything"}]


def body_bytes(size: int) -> bytes:
    return bytes(i % 251 for i in range(size))


def _hash(algorithm: str, text: str) -> str:
    name = "sha256" if algorithm.upper().startswith("SHA-256") else "md5"
    return hashlib.new(name, text.encode()).hexdigest()


def digest_ok(header: str, method: str, nonces: set[str]) -> bool:
    """Whether an ``Authorization: Digest ...`` value is right for DIGEST_USER (RFC 7616)."""
    if not header.lower().startswith("digest "):
        return False
    pairs = re.findall(r'(\w+)=(?:"([^"]*)"|([^,\s]*))', header[7:])
    fields = {key: quoted or bare for key, quoted, bare in pairs}
    algorithm = fields.get("algorithm", "MD5")
    if fields.get("username") != DIGEST_USER or fields.get("nonce") not in nonces:
        return False
    ha1 = _hash(algorithm, f"{DIGEST_USER}:{DIGEST_REALM}:{DIGEST_PASSWORD}")
    if algorithm.upper().endswith("-SESS"):
        ha1 = _hash(algorithm, f"{ha1}:{fields['nonce']}:{fields.get('cnonce', '')}")
    ha2 = _hash(algorithm, f"{method}:{fields.get('uri', '')}")
    if fields.get("qop") == "auth":
        nc, cnonce = fields.get("nc", ""), fields.get("cnonce", "")
        text = f"{ha1}:{fields['nonce']}:{nc}:{cnonce}:auth:{ha2}"
    else:
        text = f"{ha1}:{fields['nonce']}:{ha2}"
    return secrets.compare_digest(_hash(algorithm, text), fields.get("response", ""))


class EcoServer:
    def __init__(self, *, tls: ssl.SSLContext | None = None) -> None:
        self.seen: list[dict] = []
        self.nonces: set[str] = set()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args) -> None:
                return None

            def do_GET(self) -> None:
                server.seen.append({"method": "GET", "target": self.path,
                                    "headers": dict(self.headers.items())})
                parts = urlsplit(self.path)
                query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
                if parts.path == "/discover":
                    self.answer(200, {"data": ROUTES})
                elif parts.path.startswith("/files/"):
                    self.file(query)
                elif parts.path == "/cookies/set":
                    self.answer(200, {"set": query},
                                [("Set-Cookie", f"{k}={v}; Path=/") for k, v in query.items()])
                elif parts.path == "/cookies":
                    self.answer(200, {"cookie": self.headers.get("Cookie")})
                elif parts.path.startswith("/digest"):
                    self.digest(query)
                else:
                    self.answer(404, {"message": "not found"})

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                server.seen.append({"method": "POST", "target": self.path,
                                    "headers": dict(self.headers.items()), "body": body})
                self.answer(200, {"received": len(body)})

            def answer(self, status: int, data, headers=()) -> None:
                body = json.dumps(data).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                for name, value in headers:
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(body)

            def digest(self, query) -> None:
                if digest_ok(self.headers.get("Authorization", ""), "GET", server.nonces):
                    self.answer(200, {"user": DIGEST_USER})
                    return
                nonce = secrets.token_hex(16)
                server.nonces.add(nonce)
                algorithm = query.get("algorithm", "MD5")
                challenge = (f'Digest realm="{DIGEST_REALM}", qop="auth", nonce="{nonce}", '
                             f'opaque="{secrets.token_hex(8)}", algorithm={algorithm}')
                self.answer(401, {"message": "digest needed"},
                            [("WWW-Authenticate", challenge)])

            def file(self, query) -> None:
                size = int(query.get("size", "300000"))
                data = body_bytes(size)
                ranges = query.get("ranges", "1") != "0"
                start = 0
                wanted = re.fullmatch(r"bytes=(\d+)-", self.headers.get("Range", ""))
                if ranges and wanted:
                    start = int(wanted[1])
                    if start >= size:
                        self.send_response(416)
                        self.send_header("Content-Range", f"bytes */{size}")
                        self.send_header("Content-Length", "0")
                        self.end_headers()
                        return
                    self.send_response(206)
                    self.send_header("Content-Range", f"bytes {start}-{size - 1}/{size}")
                else:
                    self.send_response(200)
                self.send_header("Content-Type", query.get("type", "application/octet-stream"))
                self.send_header("Content-Length", str(size - start))
                if ranges:
                    self.send_header("Accept-Ranges", "bytes")
                if "cd" in query:
                    self.send_header("Content-Disposition", query["cd"])
                self.end_headers()
                body = data[start:]
                drop = int(query["drop"]) if "drop" in query else None
                if drop is not None and not start:
                    self.wfile.write(body[:drop])
                    self.wfile.flush()
                    # a reset, not a clean end: the client sees the body cut short
                    self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                               struct.pack("ii", 1, 0))
                    self.connection.close()
                    self.close_connection = True
                    return
                self.wfile.write(body)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        scheme = "http"
        if tls is not None:
            self.httpd.socket = tls.wrap_socket(self.httpd.socket, server_side=True)
            scheme = "https"
        self.url = f"{scheme}://127.0.0.1:{self.httpd.server_port}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> EcoServer:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def certificates(directory: Path) -> dict[str, Path]:
    """A CA, a server certificate for 127.0.0.1 signed by it, and a client certificate
    signed by it: ``{"ca", "server_cert", "server_key", "client_cert", "client_key",
    "client_pem" (certificate and key in one file), "stranger_cert", "stranger_key"
    (a client certificate from another CA)}``."""
    import datetime
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    now = datetime.datetime.now(datetime.UTC)

    def name(text: str) -> x509.Name:
        return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, text)])

    def make(subject: str, issuer, issuer_key, *, ca=False, server=False):
        key = ec.generate_private_key(ec.SECP256R1())
        builder = (x509.CertificateBuilder().subject_name(name(subject))
                   .issuer_name(issuer.subject if issuer is not None else name(subject))
                   .public_key(key.public_key()).serial_number(x509.random_serial_number())
                   .not_valid_before(now - datetime.timedelta(minutes=5))
                   .not_valid_after(now + datetime.timedelta(days=1))
                   .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True))
        if server:
            builder = builder.add_extension(x509.SubjectAlternativeName(
                [x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
            builder = builder.add_extension(
                x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        elif not ca:
            builder = builder.add_extension(
                x509.ExtendedKeyUsage([ExtendedKeyUsageOID.CLIENT_AUTH]), critical=False)
        cert = builder.sign(issuer_key if issuer_key is not None else key, hashes.SHA256())
        return cert, key

    def write(path: Path, *items) -> Path:
        data = b""
        for item in items:
            if isinstance(item, x509.Certificate):
                data += item.public_bytes(serialization.Encoding.PEM)
            else:
                data += item.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption())
        path.write_bytes(data)
        os.chmod(path, 0o600)
        return path

    ca, ca_key = make("eco test CA", None, None, ca=True)
    server, server_key = make("127.0.0.1", ca, ca_key, server=True)
    client, client_key = make("eco client", ca, ca_key)
    other_ca, other_key = make("another CA", None, None, ca=True)
    stranger, stranger_key = make("stranger", other_ca, other_key)
    return {
        "ca": write(directory / "ca.pem", ca),
        "server_cert": write(directory / "server.pem", server),
        "server_key": write(directory / "server.key", server_key),
        "client_cert": write(directory / "client.pem", client),
        "client_key": write(directory / "client.key", client_key),
        "client_pem": write(directory / "client-both.pem", client, client_key),
        "stranger_cert": write(directory / "stranger.pem", stranger),
        "stranger_key": write(directory / "stranger.key", stranger_key),
    }


def mutual_tls(paths: dict[str, Path]) -> ssl.SSLContext:
    """A server context that requires a client certificate signed by the test CA."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(paths["server_cert"], paths["server_key"])
    context.load_verify_locations(paths["ca"])
    context.verify_mode = ssl.CERT_REQUIRED
    return context
