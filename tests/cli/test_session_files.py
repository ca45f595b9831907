"""Files ``import`` and ``replay`` write: a recorded session is never replaced by
accident (``import -o EXISTING`` needs ``--force``), and sessions and reports are written
atomically (write, fsync, rename) and 0600: a write that fails leaves the old file
whole and no temporary beside it."""

from __future__ import annotations

import json
import os
import socket

import pytest

from explorer.errors import SessionError
from explorer.sessions.format import read_session
from explorer.sessions.har_import import import_har
from explorer.sessions.report import write_private

RECORDED = (
    b'{"session":"explorer","format":1,"base_url":"http://127.0.0.1:9"}\n'
    b'{"step":1,"request":{"method":"GET","url":"{{base_url}}/mine","path":"/mine",'
    b'"query":[],"headers":{},"body":null},"response":{"status":200,"reason":"OK",'
    b'"headers":{},"body":{"json":{"mine":true}},"duration_ms":1.0}}\n'
)


def _har(path):
    entry = {
        "startedDateTime": "2024-05-01T09:00:00.000Z",
        "time": 3,
        "request": {"method": "GET", "url": "http://api.example.com/things", "headers": []},
        "response": {
            "status": 200,
            "statusText": "OK",
            "headers": [{"name": "Content-Type", "value": "application/json"}],
            "content": {"mimeType": "application/json", "text": '{"data": []}'},
        },
    }
    path.write_text(json.dumps({"log": {"version": "1.2", "entries": [entry]}}))
    return path


def _leftovers(folder) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def test_import_over_an_existing_session_is_refused(run, tmp_path):
    har = _har(tmp_path / "a.har")
    mine = tmp_path / "mine.jsonl"
    mine.write_bytes(RECORDED)
    result = run("import", str(har), "-o", str(mine))
    assert result.returncode == 2
    assert result.stderr == f"explorer: {mine} already exists (give --force to replace it)\n"
    assert result.stdout == ""
    assert mine.read_bytes() == RECORDED
    assert not (tmp_path / "mine.jsonl.d").exists()


def test_import_with_force_replaces_it_privately(run, tmp_path):
    har = _har(tmp_path / "a.har")
    mine = tmp_path / "mine.jsonl"
    mine.write_bytes(RECORDED)
    os.chmod(mine, 0o644)
    result = run("import", str(har), "-o", str(mine), "--force")
    assert result.returncode == 0, result.stderr
    assert [e.path for e in read_session(mine)] == ["/things"]
    assert mine.stat().st_mode & 0o777 == 0o600
    assert _leftovers(tmp_path) == []


def _failing_fsync(monkeypatch):
    def fsync(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", fsync)


def test_a_failed_import_leaves_the_old_session_whole(tmp_path, monkeypatch):
    har = _har(tmp_path / "a.har")
    mine = tmp_path / "mine.jsonl"
    mine.write_bytes(RECORDED)
    _failing_fsync(monkeypatch)
    with pytest.raises(SessionError, match="cannot write .*mine.jsonl: No space left on device"):
        import_har(har, mine, force=True)
    assert mine.read_bytes() == RECORDED
    assert _leftovers(tmp_path) == []


def test_a_failed_report_leaves_the_old_report_whole(tmp_path, monkeypatch):
    report = tmp_path / "report.json"
    report.write_text('{"passed": true}\n')
    _failing_fsync(monkeypatch)
    with pytest.raises(SessionError, match="cannot write .*report.json: No space left on device"):
        write_private(report, '{"passed": false, "steps": []}\n')
    assert report.read_text() == '{"passed": true}\n'
    assert _leftovers(tmp_path) == []


def test_replay_reports_replace_an_old_one_0600(run, tmp_path):
    session = tmp_path / "s.jsonl"
    session.write_bytes(RECORDED)
    report, junit = tmp_path / "report.json", tmp_path / "junit.xml"
    for path in (report, junit):
        path.write_text("old " * 10_000)
        os.chmod(path, 0o644)
    with socket.socket() as s:  # a port that was just free: the connection is refused
        s.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{s.getsockname()[1]}"
    result = run("--url", url, "--timeout", "1", "replay", str(session),
                 "--report-json", str(report), "--junit", str(junit))
    assert result.returncode == 3
    assert json.loads(report.read_text())["summary"]["steps"] == 1
    assert junit.read_text().startswith('<?xml version="1.0" encoding="UTF-8"?>')
    assert {p.stat().st_mode & 0o777 for p in (report, junit)} == {0o600}
    assert _leftovers(tmp_path) == []
    assert session.read_bytes() == RECORDED
