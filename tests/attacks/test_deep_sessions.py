"""JSON nested deep in sessions: a hostile session line is refused with one line naming
the file, the line and the depth, by replay and by every export; an answer nested deep
is recorded (as text, exactly) and the session replays; nothing raises RecursionError.
The real console script against a loopback server."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from documentserver import document_server

from explorer.sessions.format import MAX_DEPTH, read_session

EXPLORER = str(Path(sys.executable).with_name("explorer"))
HEADER = {"session": "explorer", "format": 1, "explorer": "0.1.0",
          "created": "2024-05-01T09:00:00Z", "vars": {"base_url": "http://127.0.0.1:9"},
          "routes": None, "auth": None}  # fmt: skip


def _nested(levels: int) -> str:
    return "[" * levels + "]" * levels


def _session(path: Path, body: str) -> Path:
    exchange = (
        '{"step":1,"time":"2024-05-01T09:00:02.120Z","command":"x","route":null,'
        '"request":{"method":"POST","url":"{{base_url}}/x","path":"/x","query":[],'
        '"headers":{},"body":{"json":' + body + '}},"response":{"status":200,'
        '"reason":"OK","headers":{},"body":{"json":1},"duration_ms":4.2}}'
    )
    path.write_text(json.dumps(HEADER) + "\n" + exchange + "\n")
    return path


def _run(home: Path, *args: str):
    env = {"PATH": "/usr/bin:/bin", "HOME": str(home), "EXPLORER_HOME": str(home),
           "NO_PROXY": "*", "LANG": "C.UTF-8", "EXPLORER_PAGER": ""}  # fmt: skip
    result = subprocess.run([EXPLORER, *args], capture_output=True, env=env, cwd=home,
                            timeout=60)
    result.err = result.stderr.decode("utf-8", "replace")
    return result


COMMANDS = [
    ("--url", "http://127.0.0.1:9", "replay", "{}", "--dry-run"),
    *[("export", "{}", "--to", fmt) for fmt in ("curl", "python", "locust", "hurl", "har")],
]


@pytest.mark.parametrize("levels", [900, 100_000], ids=["under-json's-limit", "100000"])
@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c[2:4]))
def test_a_session_line_nested_deep_is_refused_with_one_line(tmp_path, levels, command):
    session = _session(tmp_path / "deep.jsonl", _nested(levels))
    result = _run(tmp_path, *(a.format(session) for a in command))
    assert result.returncode == 1, result.err
    lines = result.err.splitlines()
    assert len(lines) == 1 and "deep.jsonl:2" in lines[0], result.err
    assert f"nested {levels + 3:,} levels deep" in lines[0]  # the body's, and its line's 3
    assert "RecursionError" not in lines[0]


def test_a_session_line_within_the_depth_is_read(tmp_path):
    session = read_session(_session(tmp_path / "ok.jsonl", _nested(MAX_DEPTH - 1)))
    assert len(session.exchanges) == 1


@pytest.mark.parametrize("levels", [MAX_DEPTH + 50, 100_000])
def test_an_answer_nested_deep_is_recorded_as_text_and_replays(tmp_path, levels):
    body = _nested(levels).encode()
    with document_server() as server:
        server.bodies["/discover"] = ({"Content-Type": "application/json"},
                                      b'{"data": [{"method": "GET", "path": "/deep"}]}')
        server.bodies["/deep"] = ({"Content-Type": "application/json"}, body)
        session = tmp_path / "rec.jsonl"
        recorded = _run(tmp_path, "--url", server.url, "--record", str(session),
                        "call", "GET", "/deep")
        assert recorded.returncode == 0, recorded.err
        assert "RecursionError" not in recorded.err and "internal error" not in recorded.err
        (exchange,) = read_session(session).exchanges
        kept = exchange.response["body"]
        assert kept.get("text", "").encode() == body or "file" in kept  # exactly, as text
        replayed = _run(tmp_path, "--url", server.url, "replay", str(session))
    assert replayed.returncode == 0, replayed.err
    assert "RecursionError" not in replayed.err and "internal error" not in replayed.err
