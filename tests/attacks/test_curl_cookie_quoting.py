"""``--curl`` masks the run's known secrets (``Context.redact``: a plain text
replace) *after* the words were ``shlex.quote``d.  A server's cookies are such secrets
(``cookie_values``), so a server that sets cookies whose values hold a quote with the
text around it (``'http://``, ``zzzzzzz'``) has the quotes of the URL word replaced by
``***``: its path (a route the server listed, holding ``;`` and ``$IFS``, which
``PATH_SAFE`` keeps) is then shell code when the line is pasted."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from loopback import RawServer

EXPLORER = str(Path(sys.executable).with_name("explorer"))


def _cookie_server(body: bytes) -> RawServer:
    """Answers every request with ``body`` and two cookies a hostile server chose."""
    return RawServer(lambda target: (b"200 OK", [
        (b"Content-Type", b"application/json"),
        (b"Set-Cookie", b"a='http://; Path=/"),
        (b"Set-Cookie", b"b=zzzzzzz'; Path=/"),
    ], body))


def test_a_server_cookie_cannot_unquote_the_curl_line(tmp_path):
    marker = tmp_path / "pwned"
    path = f"/x;touch$IFS{marker};zzzzzzz"
    server = _cookie_server(json.dumps([{"method": "GET", "path": path}]).encode())
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
