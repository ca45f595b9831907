"""``-v`` and a hostile server's redirect.  A Location the server controls must
not crash explorer (an internal error, a traceback under -v), and a credential the
run knows of must not be printed by -v because the server moved it under another
query name on a redirect to another origin."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from loopback import RawServer

EXPLORER = str(Path(sys.executable).with_name("explorer"))
KEY = "sig-KEY-of-the-user-5521"


def _env(home: Path) -> dict[str, str]:
    return {"PATH": "/usr/bin:/bin", "HOME": str(home), "EXPLORER_HOME": str(home),
            "NO_PROXY": "*", "LANG": "C.UTF-8", "TERM": "xterm", "NO_COLOR": "1",
            "EXPLORER_PAGER": ""}  # fmt: skip


def _verbose_get(tmp_path, url: str):
    """``explorer -v get-r`` on ``url`` with the query-key spec and the user's key."""
    return subprocess.run(
        [EXPLORER, "-v", "--url", url, "--spec", str(_spec(tmp_path)), f"--token={KEY}",
         "get-r"],
        capture_output=True, env=_env(tmp_path), cwd=tmp_path, timeout=60)


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
    server = RawServer(lambda target: (b"302 Found", [(b"Location", location)], b""))
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
    other = RawServer(lambda target: (b"200 OK", [(b"Content-Type", b"application/json")],
                                 b"{}"))

    def first(target):
        key = target.partition("sig=")[2].partition("&")[0]
        return (b"302 Found", [(b"Location", f"{other.url}/y?other={key}".encode())], b"")

    server = RawServer(first)
    try:
        result = _verbose_get(tmp_path, server.url)
    finally:
        server.close()
        other.close()
    assert result.returncode == 0, result.stderr
    assert any(f"sig={KEY}" in t for t in server.targets)  # the key did go to its server
    shown = result.stderr.decode() + result.stdout.decode()
    assert KEY not in shown, shown


def test_verbose_does_not_print_the_key_a_response_header_echoes(tmp_path):
    server = RawServer(lambda target: (b"200 OK", [(b"Content-Type", b"application/json"),
                                              (b"X-Request-Target", target.encode())],
                                  b"{}"))
    try:
        result = _verbose_get(tmp_path, server.url)
    finally:
        server.close()
    assert result.returncode == 0, result.stderr
    shown = result.stderr.decode() + result.stdout.decode()
    assert "GET /r?sig=*** HTTP/1.1" in shown, shown
    assert KEY not in shown, shown
