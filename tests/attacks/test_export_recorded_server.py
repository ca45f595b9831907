"""A session chooses its server (``vars.base_url``); the user's credentials do not go
there unless the user chose it too.  Replay already sends none of the environment's
credentials to the recorded server; the curl and python exports sent
``EXPLORER_TOKEN`` (and the other credential variables) to whatever server the session
named when ``EXPLORER_URL`` was not set.  Each export is run against a loopback server
that keeps what it gets."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from exportrun import clean_env
from loopback import QuietHandler, serving

EXPLORER = str(Path(sys.executable).with_name("explorer"))
SECRETS = {"EXPLORER_TOKEN": "env-token-secret-1", "EXPLORER_API_KEY": "env-key-secret-2",
           "EXPLORER_AUTH": "user:env-auth-secret-3",
           "EXPLORER_PASSWORD": "env-password-secret-4"}  # fmt: skip


class _Keeper(QuietHandler):
    def do_GET(self) -> None:
        self.server.got.append(str(self.headers))
        self.send_json({})


@pytest.fixture
def server():
    with serving(_Keeper) as server:
        server.got = []
        yield server


def _session(folder: Path, base_url: str) -> Path:
    header = {"session": "explorer", "format": 1, "explorer": "0.1.0",
              "created": "2024-05-01T09:00:00Z", "vars": {"base_url": base_url},
              "routes": None, "auth": "bearer"}
    line = {"step": 1, "time": "2024-05-01T09:00:00.000Z", "command": None, "route": None,
            "request": {"method": "GET", "url": "{{base_url}}/x", "path": "/x", "query": [],
                        "headers": {"Authorization": "Bearer {{token}}"}, "body": None},
            "response": {"status": 200, "reason": "OK", "headers": {},
                         "body": {"json": {}}, "duration_ms": 1.0}}
    path = folder / "theirs.jsonl"
    path.write_text(json.dumps(header) + "\n" + json.dumps(line) + "\n")
    return path


def _export(tmp_path: Path, session: Path, to: str) -> Path:
    out = tmp_path / f"theirs.{to}"
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "EXPLORER_HOME": str(tmp_path),
           "LANG": "C.UTF-8"}
    subprocess.run([EXPLORER, "export", str(session), "--to", to, "-o", str(out)],
                   check=True, capture_output=True, env=env, cwd=tmp_path, timeout=60)
    return out


RUN = {"curl": ["bash"], "python": [sys.executable]}


@pytest.mark.parametrize("to", ["curl", "python"])
@pytest.mark.parametrize("variable", sorted(SECRETS))
def test_no_environment_credential_goes_to_the_server_the_session_names(
        tmp_path, server, to, variable):
    script = _export(tmp_path, _session(tmp_path, server.url), to)
    result = subprocess.run([*RUN[to], str(script)], capture_output=True, text=True,
                            env=clean_env(**{variable: SECRETS[variable]}), cwd=tmp_path,
                            timeout=60)
    assert server.got == [], server.got  # nothing sent at all
    assert result.returncode != 0
    assert "credentials are set but EXPLORER_URL is not" in result.stderr, result.stderr


@pytest.mark.parametrize("to", ["curl", "python"])
def test_the_server_the_user_names_gets_them_and_no_credential_needs_no_url(
        tmp_path, server, to):
    script = _export(tmp_path, _session(tmp_path, server.url), to)
    chosen = subprocess.run([*RUN[to], str(script)], capture_output=True, text=True,
                            env=clean_env(EXPLORER_URL=server.url,
                                          EXPLORER_TOKEN=SECRETS["EXPLORER_TOKEN"]),
                            cwd=tmp_path, timeout=60)
    assert chosen.returncode == 0, chosen.stderr
    assert "Bearer " + SECRETS["EXPLORER_TOKEN"] in server.got[0]
    plain = subprocess.run([*RUN[to], str(script)], capture_output=True, text=True,
                           env=clean_env(), cwd=tmp_path, timeout=60)
    assert plain.returncode == 0, plain.stderr  # the recorded server, no credential
    assert len(server.got) == 2 and "Authorization" not in server.got[1]
