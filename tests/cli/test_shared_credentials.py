"""End to end: a config.toml with a token, or a credentials.json, that others can read
prints one warning line on stderr; the request still goes out with the credential."""

from __future__ import annotations

import json


def test_a_world_readable_config_with_a_token_warns_once(run, echo_server):
    path = run.home / "config" / "config.toml"
    path.parent.mkdir(parents=True)
    path.write_text(f'[profiles.lab]\nurl = "{echo_server.url}"\ntoken = "tok-5678"\n')
    path.chmod(0o644)
    result = run("--profile", "lab", "call", "GET", "/echo")
    assert result.returncode == 0, result.stderr
    assert result.stderr == (
        f"explorer: warning: config file {path}, which holds a credential, is readable by "
        f"other users; run: chmod 600 {path}\n"
    )
    assert json.loads(result.stdout)["Authorization"] == "Bearer tok-5678"
    path.chmod(0o600)
    result = run("--profile", "lab", "call", "GET", "/echo")
    assert (result.returncode, result.stderr) == (0, "")


def test_a_world_readable_credentials_file_warns_once(run, echo_server):
    path = run.home / "config" / "credentials.json"
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps({f"url:{echo_server.url}": {"api_key": "key-5678"}}))
    path.chmod(0o644)
    result = run("--url", echo_server.url, "call", "GET", "/echo")
    assert result.returncode == 0, result.stderr
    assert result.stderr == (
        f"explorer: warning: credentials file {path} is readable by other users; "
        f"run: chmod 600 {path}\n"
    )
    assert json.loads(result.stdout)["apikey"] == "key-5678"
    path.chmod(0o600)
    result = run("--url", echo_server.url, "call", "GET", "/echo")
    assert (result.returncode, result.stderr) == (0, "")
