"""Redirects to another origin, through the console script: a loopback server on one
port answers every request with a redirect to a second server on another port, which
keeps what it was sent.  Credential headers in any spelling the shared secret list
knows, and a body (a password) that a 301/302/303 would carry along, never get there."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from loopback import QuietHandler, serving

EXPLORER = str(Path(sys.executable).with_name("explorer"))


class _Keeper(QuietHandler):
    def _any(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        self.server.got.append((str(self.headers), body))
        self.send_json({})

    do_GET = do_HEAD = do_POST = _any


class _Redirector(QuietHandler):
    def _any(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        if self.path.startswith("/discover"):
            self.send_json([])
            return
        status = int(self.path.strip("/").split("/")[0])
        self.send_response(status)
        self.send_header("Location", self.server.target + "/landed")
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_GET = do_HEAD = do_POST = _any


@pytest.fixture
def servers():
    with serving(_Keeper) as keeper, serving(_Redirector) as redirector:
        keeper.got = []
        redirector.target = keeper.url
        yield redirector, keeper


def _run(tmp_path: Path, url: str, *args: str) -> subprocess.CompletedProcess:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "EXPLORER_HOME": str(tmp_path),
           "NO_PROXY": "*", "LANG": "C.UTF-8"}
    return subprocess.run([EXPLORER, "--url", url, *args], capture_output=True, env=env,
                          cwd=tmp_path, timeout=60)


SPELLINGS = {"X-ApiKey": "sek-apikey-1", "X-Service-Api-Key": "sek-service-2",
             "x_api_key": "sek-underscore-3", "X-Webhook-Secret": "sek-webhook-4",
             "X-Client-Password": "sek-password-5"}  # fmt: skip


@pytest.mark.parametrize("status", [301, 302, 307])
def test_a_credential_header_in_any_spelling_stays_home(tmp_path, servers, status):
    redirector, keeper = servers
    items = [f"{name}:{value}" for name, value in SPELLINGS.items()]
    result = _run(tmp_path, redirector.url, "call", "GET", f"/{status}/x", *items,
                  "X-Plain:visible")
    assert result.returncode == 0, result.stderr
    ((head, _body),) = keeper.got  # the redirect was followed
    assert "X-Plain: visible" in head
    for value in SPELLINGS.values():
        assert value not in head, head


@pytest.mark.parametrize(("status", "method"),
                         [(301, "GET"), (302, "GET"), (303, "HEAD"), (302, "HEAD")])
def test_a_body_a_301_302_303_keeps_is_not_taken_to_another_origin(tmp_path, servers,
                                                                    status, method):
    redirector, keeper = servers
    result = _run(tmp_path, redirector.url, "call", method, f"/{status}/x",
                  'password:="pw-in-the-body-9"')
    assert keeper.got == [], keeper.got
    stderr = result.stderr.decode()
    assert "another origin: not followed" in stderr and keeper.url in stderr, stderr
