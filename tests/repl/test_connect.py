"""``connect`` and ``login`` in the shell (in-process, against the sandbox and a server
that echoes the headers it was sent)."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from explorer.errors import ExplorerError, UsageError


@pytest.fixture
def echo():
    """Answers every GET with the headers it got; ``/discover`` lists ``GET /echo``."""

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_GET(self):
            server.seen.append(dict(self.headers.items()))
            listing = {"data": [{"method": "GET", "path": "/echo"}]}
            body = json.dumps(listing if self.path == "/discover" else {"ok": True}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    server.seen = []
    server.url = f"http://127.0.0.1:{server.server_port}"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server
    server.shutdown()
    server.server_close()


def test_no_credential_of_this_run_follows_a_connect_to_another_server(
    make_console, echo, sandbox, monkeypatch
):
    monkeypatch.setenv("EXPLORER_TOKEN", "env-token-1234")
    c = make_console()  # --token=<the sandbox's token>
    c.run("headers X-Trace:abc")
    c.run(f"connect {echo.url}")
    assert c.shell.context.base_url == echo.url
    c.run("get /echo")
    seen = echo.seen[-1]
    assert not any(k.lower() in ("authorization", "apikey") for k in seen), seen
    assert "X-Trace" not in seen  # the shell's headers stay with their server
    assert sandbox.token not in json.dumps(echo.seen) and "env-token-1234" not in json.dumps(
        echo.seen
    )
    assert c.shell.state.cwd == "/"


def test_connect_url_with_routes_and_a_token_of_its_own(make_console, sandbox, home):
    c = make_console()
    c.run("set kept=yes")
    out = c.run(f"connect {sandbox.url} --routes labstep")
    assert "commands from --routes labstep" in out
    assert "no credentials yet (login gets a key)" in out
    c.run("protocol list count==1")
    assert c.shell.outcome.status == 401  # the LabOS token did not come along
    token_file = home / "token.txt"
    token_file.parent.mkdir(parents=True, exist_ok=True)
    token_file.write_text(sandbox.token + "\n")
    token_file.chmod(0o600)
    out = c.run(f"connect {sandbox.url} --token-file={token_file}")
    assert "sending the token (Authorization)" in out
    c.run("instruments list limit==1")
    assert c.shell.outcome.status == 200
    assert c.run("vars").startswith("kept = yes")  # variables follow


def test_a_connect_that_fails_leaves_the_shell_where_it_was(make_console, sandbox):
    c = make_console()
    before = c.shell.context
    with pytest.raises(ExplorerError, match="cannot reach|refused"):
        c.run("connect http://127.0.0.1:9")
    assert c.shell.context is before
    c.run("get /public/v1/families")
    assert c.shell.outcome.status == 200
    for bad in ("connect nosuchprofile", "connect http://x --routes a --spec b",
                "connect http://x --routes"):  # fmt: skip
        with pytest.raises(ExplorerError):
            c.run(bad)


def test_login_uses_the_key_at_once(make_console, sandbox, home):
    secrets = [sandbox.password]
    c = make_console(f"--url={sandbox.url}", "--routes=labstep", read_secret=lambda p: secrets[0])
    c.context.options.token = None  # no LabOS token: the login's key is the credential
    with pytest.raises(UsageError, match="usage: login"):
        c.run("login --username")
    out = c.run(f"login {sandbox.username}")
    assert f"logged in as {sandbox.username}" in out
    assert sandbox.api_key not in out and sandbox.password not in out
    c.run("protocol list count==1")
    assert c.shell.outcome.status == 200
    assert c.shell.context.client.auth.headers() == {"apikey": sandbox.api_key}


def test_login_where_the_routes_have_none_is_refused(console):
    with pytest.raises(UsageError, match="these routes have no login"):
        console.run("login someone")
