"""``read_session(defer_answers=True)`` (what ``explorer replay`` reads) against
crafted lines, from a stranger audit of the deferral.

A text cut out between ``"body":{"json":`` and the *last* ``},"duration_ms":`` of a line
that closes the answer and repeats a key (``"request"``, ``"vars"``) would make the
line without it read otherwise than the whole line: replay acting on the first value of
the key (a DELETE, a server to send the token to) while every other reader (the exports,
the HAR, ``jq``, ``json.loads``) keeps the last one.  A deferred text is still checked
to be one JSON value (once per distinct text), the header line is never split, and a
recorded answer that is no JSON value is refused as the other readers refuse it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from loopback import QuietHandler, RawServer, serving

from explorer.errors import SessionError
from explorer.sessions.format import read_session

EXPLORER = str(Path(sys.executable).with_name("explorer"))

HEADER = {"session": "explorer", "format": 1, "explorer": "0", "created": "x",
          "vars": {"base_url": "http://h"}, "routes": None, "auth": None}

#: a DELETE that a second "request" key (inside the answer's text) hides from json.loads
HIDDEN_DELETE = (
    b'{"step":1,"request":{"method":"DELETE","path":"/admin/everything","query":[],'
    b'"headers":{},"body":null},"response":{"status":200,"headers":{},'
    b'"body":{"json":{"ok":1}}},'
    b'"request":{"method":"GET","path":"/harmless","query":[],"headers":{},"body":null},'
    b'"response":{"status":200,"headers":{},"body":{"json":{"ok":1}},"duration_ms":1.0}}'
)


def _env(tmp_path: Path) -> dict[str, str]:
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    return {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(home),
            "EXPLORER_HOME": str(home), "NO_PROXY": "*", "LANG": "C.UTF-8",
            "NO_COLOR": "1", "EXPLORER_PAGER": ""}


def _run(tmp_path, *args):
    return subprocess.run([EXPLORER, "--no-pager", *args], capture_output=True, text=True,
                          env=_env(tmp_path), timeout=60)


def _recording(handler_name: str, seen: list):
    class Handler(QuietHandler):
        def _any(self):
            seen.append((handler_name, self.command, self.path,
                         self.headers.get("Authorization")))
            self.send_json({"ok": 1})

        do_GET = do_DELETE = do_POST = do_PUT = do_PATCH = _any

    return Handler


def test_deferred_read_keeps_the_request_every_reader_sees(tmp_path):
    path = tmp_path / "s.jsonl"
    path.write_bytes(json.dumps(HEADER).encode() + b"\n" + HIDDEN_DELETE + b"\n")
    assert json.loads(HIDDEN_DELETE)["request"]["method"] == "GET"  # what jq shows
    whole = read_session(path)
    assert whole.exchanges[0].method == "GET"
    try:
        deferred = read_session(path, defer_answers=True)
    except SessionError:
        return  # refusing the line is fine too
    assert deferred.exchanges[0].request == whole.exchanges[0].request


def test_replay_sends_no_request_the_exports_do_not_show(tmp_path):
    """``export --to curl`` (and HAR, jq) show one GET /harmless; ``replay --url``
    sent DELETE /admin/everything."""
    path = tmp_path / "s.jsonl"
    path.write_bytes(json.dumps(HEADER).encode() + b"\n" + HIDDEN_DELETE + b"\n")
    exported = _run(tmp_path, "export", "--to", "curl", str(path))
    assert exported.returncode == 0, exported.stderr
    assert "-X GET" in exported.stdout and "DELETE" not in exported.stdout
    seen: list = []
    with serving(_recording("server", seen)) as server:
        result = _run(tmp_path, "--url", server.url, "replay", str(path))
    assert "Traceback" not in result.stdout + result.stderr
    assert ("server", "DELETE", "/admin/everything", None) not in seen, (
        f"replay sent a DELETE that every other reader of the file hides: {seen}")


def test_replay_sends_the_token_only_where_the_header_says(tmp_path):
    """A header whose ``vars`` is given twice (the answer-split trick on line 1): the
    HAR export and jq name the second server; replay sent the command line's token to
    the first."""
    seen: list = []
    with serving(_recording("evil", seen)) as evil, serving(_recording("good", seen)) as good:
        header = ('{"session":"explorer","format":1,"explorer":"0","created":"x",'
                  '"routes":null,"auth":null,'
                  f'"vars":{{"base_url":"{evil.url}"}},"response":{{"body":{{"json":1}}}},'
                  f'"vars":{{"base_url":"{good.url}"}},'
                  '"response":{"body":{"json":1},"duration_ms":1}}').encode()
        assert json.loads(header)["vars"]["base_url"] == good.url
        line = json.dumps({"step": 1, "request": {"method": "GET", "path": "/x", "query": [],
                                                  "headers": {}, "body": None},
                           "response": {"status": 200, "headers": {},
                                        "body": {"json": {"ok": 1}}, "duration_ms": 1.0}},
                          separators=(",", ":")).encode()
        path = tmp_path / "h.jsonl"
        path.write_bytes(header + b"\n" + line + b"\n")
        har = _run(tmp_path, "export", "--to", "har", str(path))
        assert har.returncode == 0 and good.url in har.stdout and evil.url not in har.stdout
        result = _run(tmp_path, "--token", "SECRET-TOKEN-123", "replay", str(path))
    assert "Traceback" not in result.stdout + result.stderr
    leaked = [s for s in seen if s[0] == "evil"]
    assert not leaked, f"the token went to a server the file's other readers do not name: {leaked}"


@pytest.mark.parametrize("text", [b"<html>down</html>", b'"\xff"'],
                         ids=["not-json", "not-utf8"])
def test_a_recorded_answer_that_is_no_json_never_passes(tmp_path, text):
    """A recorded ``json`` answer that is not one JSON value is an error of its step
    (the commit's rule; every other reader refuses the file).  When the server answers
    those very bytes, the byte-equality shortcut passed the step, before any check."""
    line = json.dumps({"step": 1, "request": {"method": "GET", "path": "/x", "query": [],
                                              "headers": {}, "body": None},
                       "response": {"status": 200, "headers": {}, "body": {"json": "HOLE"},
                                    "duration_ms": 1.0}},
                      separators=(",", ":")).encode().replace(b'"HOLE"', text)
    path = tmp_path / "c.jsonl"
    path.write_bytes(json.dumps(HEADER).encode() + b"\n" + line + b"\n")
    with pytest.raises(SessionError):
        read_session(path)  # what the exports and the other readers say of it
    server = RawServer(lambda target: (b"200 OK", [(b"Content-Type", b"text/html")], text))
    try:
        result = _run(tmp_path, "--url", server.url, "replay", str(path))
    finally:
        server.close()
    assert "Traceback" not in result.stdout + result.stderr
    assert result.returncode != 0, (
        f"replay passed a step whose recorded answer is no JSON:\n{result.stdout}")
