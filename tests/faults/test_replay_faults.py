"""`replay` of a session against the fault server: each fault is one step's error or
failure, named in the table and in the reports; an unreachable or silent server ends
the replay after a few steps with exit 3; a recording made meanwhile stays readable; a
200 MB answer is read in bounded memory; the session replayed is never changed."""

from __future__ import annotations

import json
import re
import tracemalloc

import pytest
from faultcli import one_line
from faultserver import HUGE_SIZE

from explorer.client.models import Response
from explorer.sessions.format import dumps_line, make_header, read_session
from explorer.sessions.replay import CHECK_LIMIT, Replayer

OK_BODY = {"data": [{"id": "a1", "name": "fine"}]}
#: /huge as a recording keeps it: in a file beside the session (never read by replay)
HUGE_BODY = {"file": "faults.jsonl.d/0008-response.bin", "size": HUGE_SIZE,
             "type": "application/octet-stream"}
STEPS = [
    ("GET", "/ok", {"json": OK_BODY}),
    ("GET", "/bad-json", {"json": {"data": []}}),
    ("GET", "/bad-utf8", {"json": {"name": "x"}}),
    ("GET", "/reset", {"json": {"data": "x"}}),
    ("GET", "/big-headers", {"json": {}}),
    ("GET", "/loop", None),
    ("GET", "/html-500", {"json": {}}),
    ("GET", "/huge", HUGE_BODY),
    ("GET", "/hang", None),
    ("GET", "/ok", {"json": OK_BODY}),
]


def exchange(step: int, method: str, path: str, response_body, request_body=None) -> dict:
    return {
        "step": step,
        "time": "2024-05-01T09:00:00.000Z",
        "command": f"call {method} {path}",
        "route": f"{method} {path}",
        "request": {
            "method": method,
            "url": "{{base_url}}" + path,
            "path": path,
            "query": [],
            "headers": {},
            "body": request_body,
        },
        "response": {
            "status": 200,
            "reason": "OK",
            "headers": {"Content-Type": "application/json"},
            "body": response_body,
            "duration_ms": 1.0,
        },
    }


def write_session(path, exchanges) -> None:
    header = make_header(
        base_url="http://127.0.0.1:9",
        routes_fingerprint=None,
        auth=None,
        created="2024-05-01T09:00:00Z",
        version="0.1.0",
    )
    with open(path, "wb") as f:
        f.write(dumps_line(header))
        for obj in exchanges:
            f.write(dumps_line(obj))


@pytest.fixture
def session(run):
    path = run.cwd / "faults.jsonl"
    write_session(path, [exchange(n, *step) for n, step in enumerate(STEPS, start=1)])
    return path


def test_every_fault_is_one_step_of_the_report(run, faults, session):
    recorded = run.cwd / "again.jsonl"
    report = run.cwd / "report.json"
    before = session.read_bytes()
    result = run.measured(
        "--url", faults.url, "--timeout", "1", "--record", str(recorded),
        "replay", str(session), "--report-json", str(report),
    )
    assert result.returncode == 1  # failures, yet the server answered some steps
    assert result.err == ""
    out = result.stdout.decode()
    url = faults.url
    for line in [
        "step 2 (GET /bad-json): body: expected a JSON body, got 39 bytes of application/json",
        "step 3 (GET /bad-utf8): body: expected a JSON body, got 26 bytes of application/json",
        f"step 4 (GET /reset): connection to {url} was lost while reading the body",
        f"step 5 (GET /big-headers): {url} sent malformed or oversized headers "
        "(got more than 100 headers)",
        f"step 6 (GET /loop): too many redirects from {url}/loop",
        "step 7 (GET /html-500): status: expected 200, got 500",
        "step 8 (GET /huge): body not checked: recorded in a file beside the session",
        f"step 9 (GET /hang): {url} did not answer within 1 s (timed out)",
        "10 steps: 3 passed, 3 failed, 4 errors, 0 skipped",
    ]:
        assert line in out, out
    steps = json.loads(report.read_text())["steps"]
    assert [step["result"] for step in steps] == [
        "passed", "failed", "failed", "error", "error", "error", "failed", "passed", "error",
        "passed",
    ]
    assert steps[7]["note"] == "body not checked: recorded in a file beside the session"
    # 200 MB came through (and were recorded beside the new session) without being held.
    assert result.maxrss_kb < 150 * 1024, f"peak RSS {result.maxrss_kb} KB"
    # What the replay recorded is a readable session: the answers that came, in order.
    again = read_session(recorded)
    assert [e.path for e in again] == ["/ok", "/bad-json", "/bad-utf8", "/reset", "/html-500",
                                       "/huge", "/ok"]
    assert again.exchanges[3].response["body"]["truncated"] is True
    huge = again.exchanges[5].response["body"]
    assert huge["size"] == HUGE_SIZE
    assert (recorded.parent / huge["file"]).stat().st_size == HUGE_SIZE
    # The session replayed is left byte for byte as it was.
    assert session.read_bytes() == before


def _streamed(size: int, *, ctype: str):
    """A send() whose answer streams ``size`` bytes without holding them."""
    chunk = b"7" * (1024 * 1024)

    def chunks():
        for _ in range(size // len(chunk)):
            yield chunk

    def send(spec):
        return Response(200, "OK", {"Content-Type": ctype}, "http://127.0.0.1:9" + spec.path,
                        0.01, _stream=chunks())

    return send


def _replay_one(tmp_path, response_body, send):
    path = tmp_path / "one.jsonl"
    write_session(path, [exchange(1, "GET", "/big", response_body)])
    replayer = Replayer(read_session(path), send=send, base_url="http://127.0.0.1:9")
    tracemalloc.start()
    try:
        report = replayer.run()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return report.results[0], peak


def test_an_answer_larger_than_the_check_limit_is_drained_not_held(tmp_path):
    """Recorded as JSON, answered with 64 MB: the status is checked, the body is not,
    and the step says so; memory stays near the limit, not the answer's size."""
    step, peak = _replay_one(tmp_path, {"json": {"data": []}},
                             _streamed(64 * 1024 * 1024, ctype="application/json"))
    assert step.result == "passed", step.failures
    assert step.actual_status == 200
    assert step.note == (
        f"body not checked: {64 * 1024 * 1024} bytes, more than the 8 MB replay reads to "
        "check an answer"
    )
    assert peak < 2 * CHECK_LIMIT, f"peak {peak} bytes"


def test_a_download_recorded_in_a_file_is_checked_by_its_size(tmp_path):
    recorded = {"file": "one.jsonl.d/0001-response.bin", "size": 100,
                "type": "application/octet-stream"}
    step, peak = _replay_one(tmp_path, recorded,
                             _streamed(32 * 1024 * 1024, ctype="application/octet-stream"))
    assert step.result == "failed"
    assert [f.describe() for f in step.failures] == [
        f"body: expected 100 bytes, got {32 * 1024 * 1024} bytes"
    ]
    assert step.note == "body not checked: recorded in a file beside the session"
    assert peak < 4 * 1024 * 1024, f"peak {peak} bytes"


def test_a_refused_server_stops_the_replay_with_exit_3(run, refused, session):
    result = run("--url", refused, "--timeout", "1", "replay", str(session))
    assert result.returncode == 3
    out = result.stdout.decode()
    assert f"step 1 (GET /ok): cannot reach {refused}: connection refused" in out
    assert "step 4 (GET /reset): not sent: the server stopped answering" in out
    assert "10 steps: 0 passed, 0 failed, 3 errors, 7 skipped" in out
    assert result.err == ""


def test_a_silent_server_stops_the_replay_with_exit_3(run, make_faults, session):
    server = make_faults(default="hang")
    result = run("--url", server.url, "--timeout", "0.5", "replay", str(session))
    assert result.returncode == 3
    out = result.stdout.decode()
    assert f"step 1 (GET /ok): {server.url} did not answer within 0.5 s (timed out)" in out
    assert "10 steps: 0 passed, 0 failed, 3 errors, 7 skipped" in out


def test_an_upload_the_server_hangs_up_on_is_an_error_step(run, faults, upload_file):
    path = run.cwd / "upload.jsonl"
    folder = run.cwd / "upload.jsonl.d" / "0001-upload-file"
    folder.mkdir(parents=True)
    (folder / upload_file.name).write_bytes(upload_file.read_bytes())
    multipart = {"multipart": {"fields": {"experiment_id": "12"}, "files": [{
        "field": "file", "filename": upload_file.name, "type": "application/octet-stream",
        "size": upload_file.stat().st_size,
        "file": f"upload.jsonl.d/0001-upload-file/{upload_file.name}",
    }]}}
    write_session(path, [
        exchange(1, "POST", "/upload", {"json": {}}, request_body=multipart),
        exchange(2, "GET", "/ok", {"json": OK_BODY}),
    ])
    result = run("--url", faults.url, "--timeout", "5", "replay", str(path))
    assert result.returncode == 1
    out = result.stdout.decode()
    assert f"step 1 (POST /upload): {faults.url} closed the connection during the upload (" in out
    assert re.search(r"2 steps: 1 passed, 0 failed, 1 errors?, 0 skipped", out), out


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty session file"),
        (b'{"session":"explorer","format":99}\n', "written in session format 99; this explorer "
                                                  "reads format 1 (upgrade explorer)"),
        (b"\xff\xfe not text\n", "not UTF-8 text"),
        (b'{"session":"explorer","format":1}\n{"step":1,"request":{}}\n{"step":2}\n',
         "an exchange needs a request and a response"),
    ],
)
def test_an_unreadable_session_is_one_line_and_exit_1(run, faults, content, message):
    path = run.cwd / "bad.jsonl"
    path.write_bytes(content)
    result = run("--url", faults.url, "replay", str(path))
    assert result.returncode == 1
    line = one_line(result.err)
    assert line.startswith(f"explorer: {path}") and line.endswith(message), line
    assert path.read_bytes() == content  # never "repaired" behind the user's back
