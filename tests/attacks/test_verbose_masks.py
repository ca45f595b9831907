"""``-v`` shows the request as sent, and a secret in its query (``?token=``,
``?access_token=``, ``?password=``, camelCase too) is masked there as the session file
masks it, on a terminal (pexpect) and piped (stderr); the server still gets the value."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pexpect
import pytest
from documentserver import document_server

EXPLORER = str(Path(sys.executable).with_name("explorer"))
SECRETS = {"token": "tok-SECRET-1", "access_token": "at-SECRET-2",
           "password": "pw-SECRET-3", "refreshToken": "rt-SECRET-4"}  # fmt: skip
ITEMS = [f"{name}=={value}" for name, value in SECRETS.items()] + ["q==plain-visible"]


def _env(home: Path) -> dict[str, str]:
    return {"PATH": "/usr/bin:/bin", "HOME": str(home), "EXPLORER_HOME": str(home),
            "NO_PROXY": "*", "LANG": "C.UTF-8", "TERM": "xterm", "NO_COLOR": "1",
            "EXPLORER_PAGER": ""}  # fmt: skip


@pytest.fixture
def server():
    with document_server() as server:
        server.bodies["/discover"] = ({"Content-Type": "application/json"},
                                      b'{"data": [{"method": "GET", "path": "/x"}]}')
        server.bodies["/x"] = ({"Content-Type": "application/json"}, b"{}")
        yield server


def _check(shown: str) -> None:
    for name, value in SECRETS.items():
        assert value not in shown, shown
        assert f"{name}=***" in shown, shown
    assert "q=plain-visible" in shown


def test_verbose_masks_secret_query_values_piped(tmp_path, server):
    result = subprocess.run([EXPLORER, "-v", "--url", server.url, "call", "GET", "/x", *ITEMS],
                            capture_output=True, env=_env(tmp_path), cwd=tmp_path, timeout=60)
    assert result.returncode == 0, result.stderr
    _check(result.stderr.decode())
    (sent,) = [t for t in server.targets if t.startswith("/x?")]
    assert all(f"{name}={value}" in sent for name, value in SECRETS.items())  # sent as given


def test_verbose_masks_secret_query_values_on_a_terminal(tmp_path, server):
    child = pexpect.spawn(EXPLORER, ["-v", "--no-pager", "--url", server.url, "call", "GET",
                                     "/x", *ITEMS], env=_env(tmp_path), cwd=str(tmp_path),
                          dimensions=(40, 300), timeout=60, encoding="utf-8")
    shown = child.read()
    child.close()
    assert child.exitstatus == 0, shown
    _check(shown)


def test_verbose_shows_a_spec_placed_query_credential_masked(tmp_path, server):
    """An OpenAPI apiKey in the query under a name no secret list knows (``?sig=``): the
    request line ``-v`` prints is the one sent, the credential in it masked, piped and
    with ``--format`` alike; the server gets the key."""
    import json

    key = "sig-KEY-of-the-user-5521"
    spec = tmp_path / "spec.json"
    spec.write_text(json.dumps({
        "openapi": "3.0.3", "info": {"title": "t", "version": "1"},
        "components": {"securitySchemes": {"q": {"type": "apiKey", "in": "query",
                                                 "name": "sig"}}},
        "security": [{"q": []}],
        "paths": {"/x": {"get": {"operationId": "get-x",
                                 "responses": {"200": {"description": "ok"}}}}},
    }))
    for extra in ([], ["--format", "json"]):
        result = subprocess.run(
            [EXPLORER, "-v", "--url", server.url, "--spec", str(spec), f"--token={key}",
             "get-x", "q==plain-visible", *extra],
            capture_output=True, env=_env(tmp_path), cwd=tmp_path, timeout=60)
        assert result.returncode == 0, result.stderr
        shown = result.stderr.decode() + result.stdout.decode()
        assert key not in shown
        assert "GET /x?q=plain-visible&sig=*** HTTP/1.1" in shown, shown
    assert any(f"sig={key}" in t for t in server.targets)
