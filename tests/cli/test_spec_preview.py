"""``--offline`` and ``--curl`` print the request as it would go: the credential where
the operation's securitySchemes put it (a query parameter, a header of the spec's name,
a cookie), masked unless ``--show-secrets``.  The console script; nothing is sent (the
URL has no server behind it)."""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys

import pytest

SCHEMES = {
    "query": {"type": "apiKey", "in": "query", "name": "api_key"},
    "header": {"type": "apiKey", "in": "header", "name": "X-API-Key"},
    "cookie": {"type": "apiKey", "in": "cookie", "name": "session"},
}
DOC = {
    "openapi": "3.0.3",
    "info": {"title": "t", "version": "1"},
    "components": {"securitySchemes": SCHEMES},
    "paths": {f"/{name}": {"get": {"operationId": f"by-{name}", "security": [{name: []}],
                                   "responses": {"200": {"description": "ok"}}}}
              for name in SCHEMES},
}
KEY = "k3y-of-the-user-7731"


@pytest.fixture
def preview(tmp_path):
    spec = tmp_path / "spec.json"
    spec.write_text(json.dumps(DOC))
    env = {k: v for k, v in os.environ.items() if not k.startswith("EXPLORER_")}
    env.update(EXPLORER_HOME=str(tmp_path / "home"), NO_PROXY="*")

    def go(*args: str) -> str:
        result = subprocess.run(
            [sys.executable, "-m", "explorer", "--url", "http://127.0.0.1:9", "--spec",
             str(spec), "--api-key", KEY, *args],
            capture_output=True, text=True, env=env, cwd=tmp_path, timeout=60)
        assert result.returncode == 0, result.stderr
        return result.stdout

    return go


def test_curl_puts_the_key_where_the_spec_says_masked(preview):
    words = shlex.split(preview("by-query", "--curl"))
    assert words[-1] == "http://127.0.0.1:9/query?api_key=***"
    assert not any(w.lower().startswith("apikey:") for w in words)
    assert "X-API-Key: ***" in shlex.split(preview("by-header", "--curl"))
    assert "Cookie: ***" in shlex.split(preview("by-cookie", "--curl"))
    assert f"Cookie: session={KEY}" in shlex.split(preview("by-cookie", "--curl",
                                                           "--show-secrets"))
    shown = shlex.split(preview("by-query", "--curl", "--show-secrets"))
    assert shown[-1] == f"http://127.0.0.1:9/query?api_key={KEY}"


def test_offline_shows_the_target_and_headers_the_spec_asks_for(preview):
    text = preview("by-query", "--offline")
    assert text.startswith("GET /query?api_key=*** HTTP/1.1\n"), text
    assert KEY not in text and "apikey:" not in text.lower()
    assert "X-API-Key: ***" in preview("by-header", "--offline")
