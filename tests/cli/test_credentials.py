"""Credentials stay with their server: a profile's secrets are not sent to a URL that
overrides it, and a password in a URL never reaches a message."""

from __future__ import annotations

import json
import socket

PROFILE_TOKEN = "profile-token-1234"
HEADER_SECRET = "hdr-secret-5678"
SAVED_KEY = "saved-key-9012"


def _config(run, url, *, token=True):
    path = run.home / "config" / "config.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    token_line = f'token = "{PROFILE_TOKEN}"\n' if token else ""
    path.write_text(
        'default_profile = "labos"\n'
        f'[profiles.labos]\nurl = "{url}"\n{token_line}'
        f'headers = {{ "X-Auth-Token" = "{HEADER_SECRET}", "X-Client" = "tests" }}\n'
    )


def _saved(run):
    path = run.home / "config" / "credentials.json"
    path.write_text(json.dumps({"labos": {"api_key": SAVED_KEY}}))
    path.chmod(0o600)


def test_profile_credentials_are_not_sent_to_an_overriding_url(run, sandbox, echo_server):
    _config(run, sandbox.url)
    _saved(run)
    for how in (["--url", echo_server.url], []):
        env = {} if how else {"EXPLORER_URL": echo_server.url}
        result = run(*how, "call", "GET", "/echo", env=env)
        assert result.returncode == 0, result.stderr
        warnings = [line for line in result.stderr.splitlines() if "profile 'labos'" in line]
        assert len(warnings) == 1
        assert f"is for {sandbox.url}" in warnings[0]
    seen = json.dumps(echo_server.seen)
    for secret in (PROFILE_TOKEN, HEADER_SECRET, SAVED_KEY):
        assert secret not in seen
    assert all(r.get("X-Client") == "tests" for r in echo_server.seen)


def test_saved_key_of_the_profile_stays_home_too(run, sandbox, echo_server):
    _config(run, sandbox.url, token=False)
    _saved(run)
    result = run("--url", echo_server.url, "call", "GET", "/echo")
    assert result.returncode == 0, result.stderr
    assert SAVED_KEY not in json.dumps(echo_server.seen)
    assert "profile 'labos'" in result.stderr


def test_credentials_given_for_the_run_go_where_the_url_points(run, sandbox, echo_server):
    _config(run, sandbox.url)
    result = run("--url", echo_server.url, "--token", "run-token-3456", "call", "GET", "/echo")
    assert result.returncode == 0, result.stderr
    assert echo_server.seen[-1]["Authorization"] == "Bearer run-token-3456"
    assert PROFILE_TOKEN not in json.dumps(echo_server.seen)
    assert HEADER_SECRET not in json.dumps(echo_server.seen)


def test_the_same_origin_keeps_the_profile_credentials(run, echo_server):
    _config(run, echo_server.url)
    same = echo_server.url.replace("http://", "HTTP://") + "/"
    result = run("--url", same, "call", "GET", "/echo")
    assert result.returncode == 0, result.stderr
    assert "profile 'labos'" not in result.stderr
    assert echo_server.seen[-1]["Authorization"] == f"Bearer {PROFILE_TOKEN}"
    assert echo_server.seen[-1]["X-Auth-Token"] == HEADER_SECRET


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_a_password_in_the_url_is_not_shown_when_unreachable(run):
    url = f"http://user:s3cretpw@127.0.0.1:{_closed_port()}"
    result = run("--url", url, "call", "GET", "/x")
    assert result.returncode == 3
    assert "s3cretpw" not in result.stderr
    assert "cannot reach http://127.0.0.1:" in result.stderr


def test_a_password_in_a_url_that_is_not_http_is_not_shown(run):
    result = run("--url", "ftp://user:s3cretpw@127.0.0.1:1", "call", "GET", "/x")
    assert result.returncode == 2
    assert "s3cretpw" not in result.stderr
    assert "not an http(s) URL: 'ftp://127.0.0.1:1'" in result.stderr


def test_a_password_in_the_url_is_not_shown_by_verbose(run, echo_server):
    url = echo_server.url.replace("http://", "http://user:s3cretpw@")
    result = run("--url", url, "-v", "call", "GET", "/echo")
    assert result.returncode == 0, result.stderr
    assert echo_server.seen[-1]["Authorization"].startswith("Basic ")  # it was used
    assert "s3cretpw" not in result.stdout + result.stderr
    assert f"Host: 127.0.0.1:{echo_server.server_port}" in result.stderr
