"""A session recorded with HTTP Basic exports to every format, each asking the scheme
how to send it: the curl and python scripts replay it against a fresh sandbox from
EXPLORER_AUTH, hurl gets a [BasicAuth] section, locust and HAR hold no secret."""

from __future__ import annotations

import ast
import json
import subprocess
import sys

import pytest
from exportkit import script_env

from explorer.sessions.export import export
from explorer.sessions.format import read_session

EXPLORER = [sys.executable, "-m", "explorer"]


@pytest.fixture
def basic_session(sandbox, tmp_path):
    session = tmp_path / "basic.jsonl"
    env = script_env()
    base = [*EXPLORER, "--url", sandbox.url, "--routes", "labstep",
            "--auth", f"{sandbox.username}:{sandbox.password}", "--record", str(session)]
    for words in (["experiment", "create", "name=Basic run"], ["experiment", "list"]):
        done = subprocess.run([*base, *words], capture_output=True, text=True, env=env,
                              timeout=60)
        assert done.returncode == 0, done.stderr
    return session


def test_every_format_sends_basic_and_holds_no_secret(sandbox, basic_session, tmp_path):
    session = read_session(basic_session)
    assert session.auth == "basic"
    texts = {fmt: export(session, fmt) for fmt in ("curl", "python", "hurl", "har", "locust")}
    for fmt, text in texts.items():
        assert sandbox.password not in text, fmt
    assert '-u "${BASIC_AUTH}"' in texts["curl"]
    assert "EXPLORER_AUTH" in texts["python"] and "import base64" in texts["python"]
    assert "[BasicAuth]\n{{username}}: {{password}}" in texts["hurl"]
    assert "--variable username=... --variable password=..." in texts["hurl"]
    ast.parse(texts["locust"])
    assert "'basic_auth': BASIC_AUTH" in texts["locust"]
    json.loads(texts["har"])


@pytest.mark.parametrize(("fmt", "runner"), [("curl", ["bash"]), ("python", [sys.executable])])
def test_the_scripts_replay_it_from_explorer_auth(sandbox, basic_session, tmp_path, fmt, runner):
    from explorer.sandbox import SandboxServer

    script = tmp_path / f"basic-{fmt}"
    script.write_text(export(read_session(basic_session), fmt))
    fresh = SandboxServer(storage_dir=tmp_path / "fresh").start()
    try:
        pair = f"{fresh.username}:{fresh.password}"
        ran = subprocess.run([*runner, str(script)], capture_output=True, text=True,
                             timeout=60, env=script_env(fresh, EXPLORER_AUTH=pair))
        assert ran.returncode == 0, ran.stdout + ran.stderr
        assert fresh.password not in ran.stdout + ran.stderr
        wrong = subprocess.run([*runner, str(script)], capture_output=True, text=True,
                               timeout=60, env=script_env(fresh, EXPLORER_AUTH="no:body"))
        assert wrong.returncode != 0
    finally:
        fresh.stop()
