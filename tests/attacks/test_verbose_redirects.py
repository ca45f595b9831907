"""``-v`` and a hostile server's redirect.  A Location the server controls must
not crash explorer (an internal error, a traceback under -v), and a credential the
run knows of must not be printed by -v because the server moved it under another
query name on a redirect to another origin."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest

EXPLORER = str(Path(sys.executable).with_name("explorer"))
KEY = "sig-KEY-of-the-user-5521"


def _env(home: Path) -> dict[str, str]:
    return {"PATH": "/usr/bin:/bin", "HOME": str(home), "EXPLORER_HOME": str(home),
            "NO_PROXY": "*", "LANG": "C.UTF-8", "TERM": "xterm", "NO_COLOR": "1",
            "EXPLORER_PAGER": ""}  # fmt: skip


class _Raw:
    """Answers every request with what ``answer(target)`` gives as raw bytes."""

    def __init__(self, answer):
        self.answer = answer
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.targets: list[str] = []
        threading.Thread(target=self._loop, daemon=True).start()

    def _loop(self):
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
                    k + b": " + v + b"\r\n" for k, v in headers)
                conn.sendall(head + b"Content-Length: %d\r\nConnection: close\r\n\r\n"
                             % len(body) + body)

    def close(self):
        self.sock.close()


def _spec(tmp_path) -> Path:
    spec = tmp_path / "spec.json"
    spec.write_text(json.dumps({
        "openapi": "3.0.3", "info": {"title": "t", "version": "1"},
        "components": {"securitySchemes": {"q": {"type": "apiKey", "in": "query",
                                                 "name": "sig"}}},
        "security": [{"q": []}],
        "paths": {"/r": {"get": {"operationId": "get-r",
                                 "responses": {"200": {"description": "ok"}}}}},
    }))
    return spec


@pytest.mark.parametrize("location", [b"http://[/y", b"/y\x9b31m", b"/y\xff"],
                         ids=["bracket-host", "c1-byte", "non-utf8"])
def test_a_hostile_redirect_location_is_not_an_internal_error(tmp_path, location):
    server = _Raw(lambda target: (b"302 Found", [(b"Location", location)], b""))
    try:
        result = subprocess.run([EXPLORER, "-v", "--url", server.url, "call", "GET", "/r"],
                                capture_output=True, env=_env(tmp_path), cwd=tmp_path,
                                timeout=60)
    finally:
        server.close()
    err = result.stderr.decode("utf-8", "replace")
    assert "Traceback" not in err and "internal error" not in err, err
    assert "\x1b" not in err and "\x9b" not in err


def test_verbose_after_a_cross_origin_redirect_does_not_print_the_key(tmp_path):
    """The first server moves the user's ``sig`` key to ``?other=`` on a redirect to a
    second origin: the -v request line (the URL as sent) prints the key in clear."""
    other = _Raw(lambda target: (b"200 OK", [(b"Content-Type", b"application/json")],
                                 b"{}"))

    def first(target):
        key = target.partition("sig=")[2].partition("&")[0]
        return (b"302 Found", [(b"Location", f"{other.url}/y?other={key}".encode())], b"")

    server = _Raw(first)
    try:
        result = subprocess.run(
            [EXPLORER, "-v", "--url", server.url, "--spec", str(_spec(tmp_path)),
             f"--token={KEY}", "get-r"],
            capture_output=True, env=_env(tmp_path), cwd=tmp_path, timeout=60)
    finally:
        server.close()
        other.close()
    assert result.returncode == 0, result.stderr
    assert any(f"sig={KEY}" in t for t in server.targets)  # the key did go to its server
    shown = result.stderr.decode() + result.stdout.decode()
    assert KEY not in shown, shown


def test_verbose_does_not_print_the_key_a_response_header_echoes(tmp_path):
    server = _Raw(lambda target: (b"200 OK", [(b"Content-Type", b"application/json"),
                                              (b"X-Request-Target", target.encode())],
                                  b"{}"))
    try:
        result = subprocess.run(
            [EXPLORER, "-v", "--url", server.url, "--spec", str(_spec(tmp_path)),
             f"--token={KEY}", "get-r"],
            capture_output=True, env=_env(tmp_path), cwd=tmp_path, timeout=60)
    finally:
        server.close()
    assert result.returncode == 0, result.stderr
    shown = result.stderr.decode() + result.stdout.decode()
    assert "GET /r?sig=*** HTTP/1.1" in shown, shown
    assert KEY not in shown, shown
