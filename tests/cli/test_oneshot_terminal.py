"""One-shot commands end to end where only unit tests looked before: cursor pages over
several requests, the --all progress line on a terminal, NO_COLOR on a terminal, and a
Swagger 2.0 document through --spec."""

from __future__ import annotations

import json
import os
import sys

import pexpect

EXPLORER = [sys.executable, "-m", "explorer"]


def _spawn(home, *args: str, extra_env=None) -> str:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("EXPLORER_") and k not in ("NO_COLOR", "PAGER")}
    env.update(EXPLORER_HOME=str(home), TERM="xterm", NO_PROXY="*", **(extra_env or {}))
    child = pexpect.spawn(EXPLORER[0], [*EXPLORER[1:], "--no-pager", *args], env=env,
                          dimensions=(40, 120), encoding="utf-8", codec_errors="replace",
                          timeout=30)
    out = child.read()
    child.close()
    assert child.exitstatus == 0, out
    return out


def test_cursor_pages_are_followed_over_several_requests(run, logged):
    login = run.json("--url", logged.url, "--routes", "labstep", "user", "login",
                     f"username={logged.username}", f"password={logged.password}")
    key = login["api_key"]
    items = run.json("--url", logged.url, "--routes", "labstep", "--api-key", key,
                     "protocol", "list", "count==2", "--all")
    pages = logged.log_lines.count("GET /api/generic/protocol?")
    assert pages >= 3  # 5 protocols, 2 a page: "-1" only after the last
    ids = [item["id"] for item in items]
    assert len(ids) == len(set(ids)) >= 5


def test_all_shows_its_progress_on_a_terminal_and_clears_it(tmp_path, sandbox):
    out = _spawn(tmp_path, "--url", sandbox.url, f"--token={sandbox.token}",
                 "instruments", "list", "limit==10", "fields==name", "--all")
    assert "items, " in out and "pages…" in out  # the progress line, on stderr
    assert "\r\x1b[K" in out  # erased before the answer
    assert out.count('"name"') >= 50


def test_no_color_turns_highlighting_off_on_a_terminal(tmp_path, sandbox):
    args = ("--url", sandbox.url, f"--token={sandbox.token}", "call", "GET",
            "/public/v1/instruments", "limit==1")
    colored = _spawn(tmp_path, *args)
    plain = _spawn(tmp_path, *args, extra_env={"NO_COLOR": "1"})
    assert "\x1b[" in colored
    assert "\x1b[" not in plain
    assert '"data"' in plain and "200 OK" in plain


def test_a_swagger2_document_through_spec(run, sandbox, tmp_path):
    spec = tmp_path / "swagger.json"
    spec.write_text(json.dumps({
        "swagger": "2.0",
        "basePath": "/public/v1",
        "paths": {
            "/instruments": {"get": {"parameters": [{"name": "limit", "in": "query",
                                                     "type": "integer"}]}},
            "/instruments/{id}": {"get": {}, "delete": {}},
        },
    }))
    labos = ("--url", sandbox.url, f"--token={sandbox.token}", "--spec", str(spec))
    rows = run.json(*labos, "routes", "--json")
    assert {(r["method"], r["path"]) for r in rows} == {
        ("GET", "/public/v1/instruments"), ("GET", "/public/v1/instruments/:id"),
        ("DELETE", "/public/v1/instruments/:id")}
    listed = run.json(*labos, "instruments", "list", "limit==1")
    assert len(listed["data"]) == 1
    one = run.json(*labos, "instruments", "get", listed["data"][0]["id"])
    assert one["id"] == listed["data"][0]["id"]
