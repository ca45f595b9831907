"""Ctrl-C (SIGINT) while a one-shot request (``call`` or a generated command) or a replay
waits on a silent server: the command ends at once with one line and exit 130, and the
session being recorded is still a readable session file holding every exchange that
completed."""

from __future__ import annotations

import signal
import time

from faultcli import one_line
from faultserver import STALL_SENT
from test_replay_faults import OK_BODY, exchange, write_session

from explorer.sessions.format import read_session

GUARD = 15.0  # seconds: only a hang would take this long


def wait_for_request(server, path: str, process) -> None:
    deadline = time.monotonic() + GUARD
    while path not in server.paths():
        assert process.poll() is None, process.stderr.read().decode()
        assert time.monotonic() < deadline, f"{path} never reached the server"
        time.sleep(0.02)


def interrupt(process) -> tuple[int, str, bytes]:
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=GUARD)
    return process.returncode, err.decode(), out


def test_ctrl_c_during_a_call_ends_cleanly_and_the_recording_is_readable(run, faults):
    session = run.cwd / "sessions" / "cut.jsonl"
    first = run("--url", faults.url, "--record", str(session), "ok", "list")
    assert first.returncode == 0
    process = run.popen("--url", faults.url, "--timeout", "60", "--record", str(session),
                        "call", "GET", "/hang")
    wait_for_request(faults, "/hang", process)
    code, err, out = interrupt(process)
    assert code == 130
    assert one_line(err) == "explorer: interrupted"
    assert out == b""
    recorded = read_session(session)
    assert [e.path for e in recorded] == ["/ok"]
    assert recorded.warnings == []
    again = run("--url", faults.url, "--record", str(session), "ok", "list")
    assert again.returncode == 0
    assert [e.step for e in read_session(session)] == [1, 2]


def test_ctrl_c_during_a_generated_command_ends_cleanly_and_the_recording_is_readable(
        run, faults):
    session = run.cwd / "sessions" / "cut.jsonl"
    first = run("--url", faults.url, "--record", str(session), "ok", "list")
    assert first.returncode == 0
    before = session.read_bytes()
    process = run.popen("--url", faults.url, "--timeout", "60", "--record", str(session),
                        "hang", "list")
    wait_for_request(faults, "/hang", process)
    code, err, out = interrupt(process)
    assert code == 130
    assert one_line(err) == "explorer: interrupted"
    assert out == b""
    assert session.read_bytes() == before  # nothing of the cut exchange was written
    recorded = read_session(session)
    assert [e.path for e in recorded] == ["/ok"]
    assert recorded.warnings == []


def test_ctrl_c_while_a_body_streams_leaves_the_exchange_marked_truncated(run, faults, tmp_path):
    session = run.cwd / "stall.jsonl"
    out = tmp_path / "stall.out"
    with open(out, "wb") as sink:
        process = run.popen("--url", faults.url, "--timeout", "60", "--record", str(session),
                            "call", "GET", "/stall", stdout=sink)
        deadline = time.monotonic() + GUARD
        while out.stat().st_size < STALL_SENT:  # all that will come has been written out
            assert process.poll() is None, process.stderr.read().decode()
            assert time.monotonic() < deadline, "the body never arrived"
            time.sleep(0.02)
        code, err, _ = interrupt(process)
    assert code == 130
    assert err.splitlines() == [  # /stall is not among the routes the server lists
        "explorer: warning: no discovered route matches GET /stall; sending anyway",
        "explorer: interrupted",
    ]
    recorded = read_session(session)
    assert len(recorded) == 1
    body = recorded.exchanges[0].response["body"]
    assert body["truncated"] is True
    assert body["size"] == STALL_SENT
    assert (session.parent / body["file"]).read_bytes() == b"s" * STALL_SENT


def test_ctrl_c_during_a_replay_ends_cleanly_and_the_recording_is_readable(run, faults):
    source = run.cwd / "flow.jsonl"
    write_session(source, [
        exchange(1, "GET", "/ok", {"json": OK_BODY}),
        exchange(2, "GET", "/ok", {"json": OK_BODY}),
        exchange(3, "GET", "/hang", None),
        exchange(4, "GET", "/ok", {"json": OK_BODY}),
    ])
    before = source.read_bytes()
    recording = run.cwd / "replayed.jsonl"
    report = run.cwd / "report.json"
    process = run.popen("--url", faults.url, "--timeout", "60", "--record", str(recording),
                        "replay", str(source), "--report-json", str(report))
    wait_for_request(faults, "/hang", process)
    code, err, out = interrupt(process)
    assert code == 130
    assert one_line(err) == "explorer: interrupted"
    assert "Traceback" not in out.decode()
    assert source.read_bytes() == before
    recorded = read_session(recording)
    assert [e.path for e in recorded] == ["/ok", "/ok"]
    assert recorded.warnings == []
    assert not report.exists()  # no half-written report
