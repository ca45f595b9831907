"""a hostile session file's upload entry must not inject headers into the
multipart part that replay sends (the recorded ``filename`` and ``type`` are data)."""

from __future__ import annotations

import json

import pytest

from explorer.client import Client
from explorer.sessions.format import read_session
from explorer.sessions.replay import Replayer
from tests.attacks.captureserver import CaptureServer


def _session(tmp_path, url, entry):
    folder = tmp_path / "s.jsonl.d" / "0001-upload-file"
    folder.mkdir(parents=True)
    (folder / "plate.csv").write_bytes(b"a,b\n")
    head = {"session": "explorer", "format": 1, "explorer": "0.1.0",
            "created": "2026-12-02T18:12:16.316Z", "vars": {"base_url": url}}
    files = [{"field": "file", "filename": "plate.csv", "type": "text/csv", "size": 4,
              "file": "s.jsonl.d/0001-upload-file/plate.csv", **entry}]
    files[0] = {k: v for k, v in files[0].items() if v is not None}
    step = {"step": 1, "time": "2026-12-02T18:12:16.325Z", "command": "call POST /things",
            "route": None,
            "request": {"method": "POST", "url": "{{base_url}}/things", "path": "/things",
                        "query": [], "headers": {},
                        "body": {"multipart": {"fields": {}, "files": files}}},
            "response": {"status": 200, "reason": "OK", "headers": {},
                         "body": {"json": {"ok": True}}, "duration_ms": 1.0}}
    path = tmp_path / "s.jsonl"
    path.write_text(json.dumps(head) + "\n" + json.dumps(step) + "\n")
    return path


def _replay_part_head(tmp_path, entry) -> bytes:
    with CaptureServer() as server:
        path = _session(tmp_path, server.url, entry)
        client = Client(server.url)
        try:
            Replayer(read_session(path), send=client.send, base_url=server.url).run()
        finally:
            client.close()
        (sent,) = [c for c in server.captured if c.method == "POST"]
    boundary = sent.header("Content-Type").split("boundary=")[1].encode()
    part = sent.body.split(b"--" + boundary + b"\r\n", 1)[1]
    return part.split(b"\r\n\r\n", 1)[0]


def test_a_recorded_data_url_filename_cannot_inject_a_part_header(tmp_path):
    """No recorded ``type``: the part's Content-Type is guessed from the recorded name,
    and mimetypes.guess_type reads a ``data:`` URL's type verbatim, CR LF and all."""
    head = _replay_part_head(tmp_path, {
        "type": None, "filename": "data:text/html\r\nX-Injected: yes,plate.csv"})
    assert b"\r\nX-Injected" not in head, head


@pytest.mark.parametrize("kind", ["text/csv\r\nX-Injected: yes", ["a"], 7])
def test_a_recorded_type_that_is_no_media_type_is_refused_and_nothing_is_sent(tmp_path, kind):
    with CaptureServer() as server:
        path = _session(tmp_path, server.url, {"type": kind})
        client = Client(server.url)
        try:
            report = Replayer(read_session(path), send=client.send, base_url=server.url).run()
        finally:
            client.close()
        assert not [c for c in server.captured if c.method == "POST"]
    (step,) = report.results
    assert step.result == "error"
    (failure,) = step.failures
    text = failure.describe()
    assert "is not a media type" in text and "\r" not in text and "\n" not in text
