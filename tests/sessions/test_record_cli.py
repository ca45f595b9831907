"""``explorer --record NAME ...``: the console script records like the shell does."""

from __future__ import annotations

import json
import stat


def _lines(path):
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_a_bare_name_records_to_sessions_name_jsonl(sandbox, run, tmp_path):
    result = run("--url", sandbox.url, "--token", sandbox.token, "--record", "tour",
                 "call", "GET", "/public/v1/instruments", "limit==1")
    assert result.returncode == 0, result.stderr
    path = tmp_path / "sessions" / "tour.jsonl"
    header, step = _lines(path)
    assert header["session"] == "explorer"
    assert step["request"]["url"] == "{{base_url}}/public/v1/instruments?limit=1"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert not (tmp_path / "tour").exists()
    # a path is taken as it is
    result = run("--url", sandbox.url, "--token", sandbox.token, "--record", "out/x.jsonl",
                 "call", "GET", "/discover")
    assert result.returncode == 0, result.stderr
    assert len(_lines(tmp_path / "out" / "x.jsonl")) == 2


def test_login_is_recorded_without_the_password_or_the_key(sandbox, run, tmp_path):
    result = run("--url", sandbox.url, "--record", "login", "login",
                 "--username", sandbox.username, "--password-stdin",
                 input=sandbox.password + "\n")
    assert result.returncode == 0, result.stderr
    path = tmp_path / "sessions" / "login.jsonl"
    text = path.read_text()
    _header, step = _lines(path)
    assert step["request"]["method"] == "POST"
    assert step["request"]["path"] == "/public-api/user/login"
    assert step["request"]["body"]["json"]["password"] == "{{password}}"
    assert step["response"]["status"] == 200
    assert step["response"]["body"]["json"]["api_key"] == "{{api_key}}"
    assert sandbox.password not in text and sandbox.api_key not in text
