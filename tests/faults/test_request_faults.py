"""`call` and the generated commands against every fault: the exact one-line error, the
documented exit code, nothing half-printed that pretends to be an answer, no traceback.

Each fault is run twice: as ``call GET /fault`` and as the command generated from the
fault server's /discover (``fault list``).
"""

from __future__ import annotations

import pytest
from faultcli import one_line
from faultserver import BIG_JSON, ERROR_PAGE, HUGE_SIZE, RESET_PROMISED

from explorer.sessions.format import read_session

FORMS = {
    "call": lambda path: ["call", "GET", path],
    "generated": lambda path: [path.strip("/"), "list"],
}


@pytest.fixture(params=sorted(FORMS))
def form(request):
    return FORMS[request.param]


def test_refused_connection_is_one_line_and_exit_3(run, refused):
    result = run("--url", refused, "--timeout", "2", "call", "GET", "/ok")
    assert result.returncode == 3
    assert one_line(result.err) == f"explorer: cannot reach {refused}: connection refused"
    assert result.stdout == b""


def test_refused_connection_for_a_generated_command(run, refused):
    result = run("--url", refused, "--timeout", "2", "ok", "list")
    assert result.returncode == 3
    assert one_line(result.err) == f"explorer: cannot reach {refused}: connection refused"


def test_a_server_that_never_answers_times_out(run, faults, form):
    result = run("--url", faults.url, "--timeout", "1", *form("/hang"))
    assert result.returncode == 3
    assert one_line(result.err) == f"explorer: {faults.url} did not answer within 1 s (timed out)"
    assert result.stdout == b""


def test_a_reset_in_the_middle_of_the_body(run, faults, form):
    result = run("--url", faults.url, "--timeout", "5", *form("/reset"))
    assert result.returncode == 3
    assert (
        one_line(result.err)
        == f"explorer: connection to {faults.url} was lost while reading the body"
    )
    # What arrived was streamed as it came; the rest never did.
    assert result.stdout.startswith(b'{"data": "xxxx')
    assert len(result.stdout) < RESET_PROMISED


def test_invalid_json_with_a_json_type_is_passed_through_when_piped(run, faults, form):
    result = run("--url", faults.url, *form("/bad-json"))
    assert result.returncode == 0
    assert result.stdout == b'{"data": [{"id": "a1", "name": "cut off'  # exactly, and only
    assert one_line(result.err) == (
        "explorer: warning: the body is not valid JSON (application/json, 39 bytes)"
    )


def test_invalid_utf8_is_passed_through_byte_for_byte_when_piped(run, faults, form):
    result = run("--url", faults.url, *form("/bad-utf8"))
    assert result.returncode == 0
    assert result.stdout == b'{"name": "caf\xe9 \xff\xfe broken"}'
    assert one_line(result.err) == (
        "explorer: warning: the body is not valid UTF-8 (application/json, 26 bytes, at byte 13)"
    )


def test_a_valid_json_answer_piped_says_nothing(run, faults, form):
    result = run("--url", faults.url, *form("/ok"))
    assert result.returncode == 0
    assert result.stdout == b'{"data": [{"id": "a1", "name": "fine"}]}'
    assert result.err == ""


def test_a_4xx_answer_piped_is_named_on_stderr(run, faults):
    result = run("--url", faults.url, "call", "GET", "/no-such-fault")
    assert result.returncode == 4
    assert result.stdout == b'{"code": 404, "message": "no fault \'no-such-fault\'"}'
    assert result.err.splitlines() == [
        "explorer: warning: no discovered route matches GET /no-such-fault; sending anyway",
        "explorer: warning: HTTP 404 Not Found",
    ]


def test_enormous_headers_are_a_malformed_answer(run, faults, form):
    result = run("--url", faults.url, *form("/big-headers"))
    assert result.returncode == 1
    assert one_line(result.err) == (
        f"explorer: {faults.url} sent malformed or oversized headers (got more than 100 headers)"
    )
    assert result.stdout == b""


def test_a_redirect_loop_stops(run, faults, form):
    result = run("--url", faults.url, *form("/loop"))
    assert result.returncode == 1
    assert one_line(result.err) == f"explorer: too many redirects from {faults.url}/loop"
    assert result.stdout == b""
    assert len(faults.paths()) < 40  # requests gives up after 30 hops


def test_a_500_with_an_html_page(run, faults, form):
    result = run("--url", faults.url, *form("/html-500"))
    assert result.returncode == 5
    assert result.stdout == ERROR_PAGE  # piped: the body, exactly
    assert one_line(result.err) == "explorer: warning: HTTP 500 Internal Server Error"


def test_a_500_with_an_html_page_under_verbose_names_the_status(run, faults):
    result = run("--url", faults.url, "-v", "call", "GET", "/html-500")
    assert result.returncode == 5
    assert result.stdout == ERROR_PAGE
    assert "HTTP/1.1 500 Internal Server Error" in result.err
    assert "explorer: warning: HTTP 500" not in result.err  # the status line says it
    assert "Traceback" not in result.err


@pytest.mark.parametrize("words", [["call", "POST", "/upload"], ["upload"]])
def test_the_connection_closed_during_a_multipart_upload(run, faults, upload_file, words):
    result = run("--url", faults.url, "--timeout", "5", *words, f"file@{upload_file}")
    assert result.returncode == 3
    line = one_line(result.err)
    # The reason depends on when the reset lands (while sending, or waiting for the answer).
    assert line.startswith(f"explorer: {faults.url} closed the connection during the upload (")
    assert line.endswith((
        "(connection reset by the server)",
        "(the connection ended before an answer came)",
    ))
    assert result.stdout == b""
    posts = [seen for seen in faults.requests if seen.method == "POST"]
    assert len(posts) == 1  # a POST is never retried


def test_a_200_mb_body_streams_to_a_file_in_bounded_memory(run, faults, tmp_path, form):
    """Piped to a file, 200 MB pass through without being held: the process stays small."""
    target = tmp_path / "huge.out"
    result = run.measured("--url", faults.url, *form("/huge"), stdout_path=target)
    assert result.returncode == 0, result.err
    assert result.err == ""
    assert target.stat().st_size == HUGE_SIZE
    with open(target, "rb") as f:
        assert f.read(512) == bytes(range(256)) * 2
    assert result.maxrss_kb < 150 * 1024, f"peak RSS {result.maxrss_kb} KB"


def test_a_200_mb_body_recorded_goes_beside_the_session_in_bounded_memory(run, faults,
                                                                          tmp_path):
    session = run.cwd / "sessions" / "huge.jsonl"
    result = run.measured("--url", faults.url, "--record", str(session), "huge", "list",
                          stdout_path=tmp_path / "huge.out")
    assert result.returncode == 0, result.err
    assert result.err == ""
    assert result.maxrss_kb < 150 * 1024, f"peak RSS {result.maxrss_kb} KB"
    recorded = read_session(session)
    assert recorded.warnings == []
    [exchange] = recorded.exchanges
    body = exchange.response["body"]
    assert body["size"] == HUGE_SIZE and "truncated" not in body
    beside = session.parent / body["file"]
    assert beside.parent.parent == session.parent  # sessions/huge.jsonl.d/...
    assert beside.stat().st_size == HUGE_SIZE
    assert beside.stat().st_mode & 0o777 == 0o600
    with open(beside, "rb") as f:
        assert f.read(512) == bytes(range(256)) * 2


def test_a_large_json_answer_piped_whole_or_cut_by_the_reader_says_nothing(run, faults):
    """3 MB of valid JSON: parsed on the way and found fine; and a reader that stops
    after a few bytes (``| head -c 10``) is not taken for a broken body."""
    whole = run("--url", faults.url, "call", "GET", "/big-json")
    assert whole.returncode == 0
    assert whole.stdout == BIG_JSON
    assert "not valid" not in whole.err
    reader = run.popen("--url", faults.url, "call", "GET", "/big-json")
    assert reader.stdout.read(10) == BIG_JSON[:10]
    reader.stdout.close()
    err = reader.stderr.read().decode()
    assert reader.wait(timeout=30) == 0
    assert "not valid" not in err and "Traceback" not in err
