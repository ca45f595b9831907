"""``replay --serve`` of a session whose recorded answer lies in a file outside its
folder (here: its body folder is a symlink to a private directory).  The file was
never served, but each request for it ended in a traceback in the server's log and a
connection closed without an answer; now the session is refused at start, in one line,
as replay and every export refuse it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

EXPLORER = str(Path(sys.executable).with_name("explorer"))


def test_serve_refuses_a_session_naming_a_file_outside_its_folder(tmp_path):
    private = tmp_path / "private"
    private.mkdir()
    (private / "id_rsa").write_text("PRIVATE-KEY-DATA\n")
    folder = tmp_path / "sess"
    folder.mkdir()
    (folder / "s.jsonl.d").symlink_to(private)
    header = {"session": "explorer", "format": 1, "explorer": "0.1.0",
              "created": "2024-05-01T09:00:00Z", "vars": {"base_url": "http://127.0.0.1:9"},
              "routes": None, "auth": None}
    line = {"step": 1, "time": "2024-05-01T09:00:00.000Z", "command": None, "route": None,
            "request": {"method": "GET", "url": "{{base_url}}/key", "path": "/key",
                        "query": [], "headers": {}, "body": None},
            "response": {"status": 200, "reason": "OK", "headers": {},
                         "body": {"file": "s.jsonl.d/id_rsa", "size": 17},
                         "duration_ms": 1.0}}
    session = folder / "s.jsonl"
    session.write_text(json.dumps(header) + "\n" + json.dumps(line) + "\n")
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "EXPLORER_HOME": str(tmp_path),
           "LANG": "C.UTF-8"}
    result = subprocess.run([EXPLORER, "replay", str(session), "--serve", "--port", "0"],
                            capture_output=True, text=True, env=env, cwd=tmp_path,
                            timeout=30)
    assert result.returncode == 1
    assert result.stdout == ""  # never served
    assert result.stderr.strip().endswith(
        "step 1: body file 's.jsonl.d/id_rsa' is outside the session's directory")
    assert len(result.stderr.strip().splitlines()) == 1
