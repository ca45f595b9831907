"""Credentials stay with their origin: a loopback server on one port redirects to a
capture server on another port, and the test reads the bytes the second one got."""

from __future__ import annotations

import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

TOKEN = "tok-origin-1234567"
KEY = "key-origin-7654321"
PASSWORD = "pw-origin-secret99"
COOKIE = "sid-origin-cookie42"


class Capture:
    """Accepts connections and keeps every byte each one sent; answers ``200 {}``."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        self.received = bytearray()
        self.requests = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            with conn:
                conn.settimeout(5)
                data = b""
                try:
                    while b"\r\n\r\n" not in data:
                        chunk = conn.recv(65536)
                        if not chunk:
                            break
                        data += chunk
                    head, _, rest = data.partition(b"\r\n\r\n")
                    length = next((int(line.split(b":")[1]) for line in head.split(b"\r\n")
                                   if line.lower().startswith(b"content-length:")), 0)
                    while len(rest) < length:
                        chunk = conn.recv(65536)
                        if not chunk:
                            break
                        rest += chunk
                    self.received += head + b"\r\n\r\n" + rest
                    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                                 b"Content-Length: 2\r\nConnection: close\r\n\r\n{}")
                except OSError:
                    pass
                self.requests.set()

    def close(self) -> None:
        self.sock.close()


@pytest.fixture
def capture():
    server = Capture()
    yield server
    server.close()


@pytest.fixture
def redirector(capture):
    """``/STATUS/anything`` answers STATUS with Location on the capture server;
    ``/public-api/user/login`` answers 302 there too; /discover lists nothing."""

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def _answer(self):
            length = int(self.headers.get("Content-Length") or 0)
            self.rfile.read(length)
            if self.path == "/discover":
                body = b'{"data": []}'
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
                return
            status = 302
            first = self.path.strip("/").split("/")[0]
            if first.isdigit():
                status = int(first)
            self.send_response(status)
            self.send_header("Location", capture.url + "/landed")
            self.send_header("Content-Length", "0")
            self.end_headers()

        do_GET = do_POST = do_PUT = _answer

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    server.url = f"http://127.0.0.1:{server.server_port}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def _nothing_secret(data: bytes) -> None:
    for secret in (TOKEN, KEY, PASSWORD, COOKIE):
        assert secret.encode() not in data, secret
    lower = data.lower()
    for name in (b"authorization:", b"apikey:", b"x-api-key:", b"cookie:"):
        assert name not in lower, name


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_a_redirect_to_another_port_carries_no_credential(run, redirector, capture, status):
    result = run("--url", redirector.url, "--token", TOKEN, "call", "GET", f"/{status}/x",
                 f"Cookie:sid={COOKIE}", f"X-Api-Key:{KEY}")
    assert result.returncode == 0, result.err
    assert capture.requests.wait(5)
    assert capture.received.startswith(b"GET /landed HTTP/1.1\r\n")
    _nothing_secret(bytes(capture.received))


def test_nor_an_api_key_nor_a_password_in_the_base_url(run, redirector, capture):
    base = redirector.url.replace("http://", f"http://alice:{PASSWORD}@")
    result = run("--url", base, "--api-key", KEY, "call", "GET", "/302/x")
    assert result.returncode == 0, result.err
    assert capture.requests.wait(5)
    _nothing_secret(bytes(capture.received))
    assert PASSWORD not in result.out + result.err


def test_a_body_is_not_taken_along_by_a_302_and_a_307_is_not_followed(run, redirector, capture):
    moved = run("--url", redirector.url, "call", "POST", "/302/login", f"password={PASSWORD}")
    assert moved.returncode == 0, moved.err
    assert capture.requests.wait(5)
    assert capture.received.startswith(b"GET /landed HTTP/1.1\r\n")
    _nothing_secret(bytes(capture.received))
    capture.received.clear()
    capture.requests.clear()
    for status in (307, 308):
        kept = run("--url", redirector.url, "call", "POST", f"/{status}/login",
                   f"password={PASSWORD}")
        assert kept.returncode == 0, kept.err
        assert f"points to {capture.url}/landed, another origin: not followed" in kept.err
    # Had the client connected, its bytes would be here before it got an answer.
    assert capture.received == b""


def test_login_follows_no_redirect_and_saves_nothing(run, redirector, capture):
    result = run("--url", redirector.url, "login", "--username", "me@example.com",
                 "--password-stdin", input=(PASSWORD + "\n").encode())
    assert result.returncode == 1
    assert f"login was redirected to {capture.url}/landed" in result.err
    assert capture.received == b""
    assert not (run.home / "config" / "credentials.json").exists()
    assert PASSWORD not in result.err
