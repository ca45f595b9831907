"""``--curl`` masks the run's known secrets (``Context.redact``: a plain text
replace) *after* the words were ``shlex.quote``d.  A server's cookies are such secrets
(``cookie_values``), so a server that sets cookies whose values hold a quote with the
text around it (``'http://``, ``zzzzzzz'``) has the quotes of the URL word replaced by
``***``: its path (a route the server listed, holding ``;`` and ``$IFS``, which
``PATH_SAFE`` keeps) is then shell code when the line is pasted."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
from pathlib import Path

EXPLORER = str(Path(sys.executable).with_name("explorer"))


class _CookieServer:
    """Answers every request with ``body`` and two cookies a hostile server chose."""

    def __init__(self, body: bytes) -> None:
        self.body = body
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
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
                conn.sendall(
                    b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                    b"Set-Cookie: a='http://; Path=/\r\n"
                    b"Set-Cookie: b=zzzzzzz'; Path=/\r\n"
                    b"Content-Length: %d\r\nConnection: close\r\n\r\n" % len(self.body)
                    + self.body)

    def close(self) -> None:
        self.sock.close()


def test_a_server_cookie_cannot_unquote_the_curl_line(tmp_path):
    marker = tmp_path / "pwned"
    path = f"/x;touch$IFS{marker};zzzzzzz"
    server = _CookieServer(json.dumps([{"method": "GET", "path": path}]).encode())
    home = tmp_path / "home"
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(home),
           "EXPLORER_HOME": str(home), "NO_PROXY": "*", "LANG": "C.UTF-8",
           "NO_COLOR": "1", "EXPLORER_PAGER": ""}
    try:
        first = subprocess.run([EXPLORER, "--url", server.url, "--no-pager", "routes"],
                               capture_output=True, text=True, env=env, timeout=60)
        assert first.returncode == 0, first.stderr  # the listing; its cookies kept
        done = subprocess.run(
            [EXPLORER, "--url", server.url, "--no-pager", "call", "GET", path, "--curl"],
            capture_output=True, text=True, env=env, timeout=60)
    finally:
        server.close()
    assert done.returncode == 0, done.stderr
    line = done.stdout
    # Paste it: a curl that does nothing, then whatever else the line runs.
    fake = tmp_path / "bin"
    fake.mkdir()
    (fake / "curl").write_text("#!/bin/sh\nexit 0\n")
    (fake / "curl").chmod(0o755)
    subprocess.run(["bash", "-c", line], cwd=tmp_path, capture_output=True, timeout=30,
                   env={"PATH": f"{fake}:/usr/bin:/bin"})
    assert not marker.exists(), f"the pasted --curl line ran code: {line!r}"


def test_a_known_secret_with_a_quote_is_masked_in_the_curl_line(tmp_path):
    """The same order the other way round: a token holding ``'`` is quoted as
    ``'"'"'`` before the replace looks for it, so it is printed in clear."""
    token = "Tok'en-secret-1"
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(tmp_path),
           "EXPLORER_HOME": str(tmp_path), "NO_PROXY": "*", "LANG": "C.UTF-8",
           "NO_COLOR": "1", "EXPLORER_PAGER": ""}
    done = subprocess.run(
        [EXPLORER, "--url", "http://127.0.0.1:9", f"--token={token}", "--no-pager",
         "call", "POST", "/x", f"note={token}", "--curl"],
        capture_output=True, text=True, env=env, timeout=60)
    assert done.returncode == 0, done.stderr
    import shlex

    assert token not in " ".join(shlex.split(done.stdout)), done.stdout
