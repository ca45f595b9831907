"""The interactive shell (pexpect, a real pseudo-terminal) against every fault: one line
says what happened, and the shell is back at its prompt, ready for the next command.

The shell runs as ``.venv/bin/explorer --url URL --timeout T --no-pager`` with
EXPLORER_HOME in tmp_path, TERM=xterm, no colour and no cursor-position requests (as in
tests/repl/test_e2e.py); waits are pexpect timeouts, never sleeps.
"""

from __future__ import annotations

import io
import json
import re
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pexpect
import pytest
from faultcli import clean_env

from explorer.sessions.format import read_session

EXPLORER = Path(sys.executable).with_name("explorer")
TIMEOUT = 15


class Shell:
    def __init__(self, url: str, home: Path, cwd: Path, *extra: str) -> None:
        env = clean_env(home, {
            "TERM": "xterm", "PROMPT_TOOLKIT_NO_CPR": "1", "NO_COLOR": "1",
            "PYTHONUNBUFFERED": "1", "EDITOR": "true",
        })
        self.prompt = f"{urlsplit(url).netloc}/>"
        self.child = pexpect.spawn(
            str(EXPLORER), [f"--url={url}", "--no-pager", *extra], env=env, cwd=str(cwd),
            dimensions=(40, 200), encoding="utf-8", codec_errors="replace", timeout=TIMEOUT,
        )
        self.log: list[str] = []
        self.transcript = io.StringIO()
        self.child.logfile_read = self.transcript

    def expect_exact(self, text: str, timeout: float = TIMEOUT) -> str:
        try:
            self.child.expect_exact(text, timeout=timeout)
        except pexpect.TIMEOUT:
            shown = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", self.transcript.getvalue())
            raise AssertionError(f"waited for {text!r}; the shell showed:\n{shown}") from None
        self.log.append(self.child.before + text)
        return self.child.before

    def line(self, text: str) -> None:
        self.child.send(text + "\r")

    def run(self, text: str, *expected: str) -> str:
        """Run ``text``; wait for each expected piece of output, then for the prompt."""
        self.line(text)
        seen = ""
        for piece in expected:
            seen += self.expect_exact(piece)
        seen += self.expect_exact(self.prompt)
        return seen

    def close(self) -> int | None:
        if self.child.isalive():
            self.child.sendcontrol("d")
            try:
                self.child.expect(pexpect.EOF, timeout=5)
            except pexpect.TIMEOUT:
                self.child.terminate(force=True)
        self.child.close()
        return self.child.exitstatus


@pytest.fixture
def shell(tmp_path):
    shells: list[Shell] = []

    def start(url: str, *extra: str, ready: str | None = None) -> Shell:
        home, cwd = tmp_path / "home", tmp_path / "work"
        cwd.mkdir(exist_ok=True)
        s = Shell(url, home, cwd, *extra)
        shells.append(s)
        s.expect_exact(ready or "explorer shell on")
        s.expect_exact(s.prompt)
        return s

    try:
        yield start
    finally:
        for s in shells:
            s.close()
            assert "Traceback" not in "".join(s.log)


def test_every_fault_is_one_line_and_the_prompt_comes_back(shell, faults, upload_file):
    s = shell(faults.url, "--timeout=1")
    url = faults.url
    s.run("routes list", "html-500 list")  # the routes are loaded before the faults begin
    s.run("get /hang", f"explorer: {url} did not answer within 1 s (timed out)")
    s.run("get /reset", f"explorer: connection to {url} was lost while reading the body")
    s.run("get /bad-json",
          "explorer: warning: the body is not valid JSON", "HTTP/1.1 200 OK",
          '{"data": [{"id": "a1", "name": "cut off')
    s.run("get /bad-utf8",
          "explorer: warning: the body is not valid utf-8 (at byte 13)", "HTTP/1.1 200 OK",
          '"name": "caf\ufffd \ufffd\ufffd broken"')
    s.run("get /big-headers",
          f"explorer: {url} sent malformed or oversized headers (got more than 100 headers)")
    s.run("get /loop", f"explorer: too many redirects from {url}/loop")
    s.run("get /html-500", "HTTP/1.1 500 Internal Server Error", "<h1>Internal Server Error</h1>")
    s.run("huge list", "HTTP/1.1 200 OK", "binary data (209715200 bytes) not shown")
    s.run(f"upload file@{upload_file}",
          f"explorer: {url} closed the connection during the upload (")
    s.run("ok list", "HTTP/1.1 200 OK", "fine")  # and the shell goes on as before
    assert s.close() == 0


def test_ctrl_c_cancels_a_hanging_request_and_the_shell_goes_on(shell, faults):
    s = shell(faults.url, "--timeout=60")
    s.run("routes list", "ok list")
    s.line("get /hang")
    deadline = 50
    while not faults.paths() or faults.paths()[-1] != "/hang":  # the request is out
        s.child.expect(pexpect.TIMEOUT, timeout=0.1)
        deadline -= 1
        assert deadline, "the request never reached the server"
    s.child.sendintr()
    s.expect_exact("request cancelled", timeout=5)
    s.expect_exact(s.prompt)
    s.run("ok list", "HTTP/1.1 200 OK", "fine")
    assert s.close() == 0


def test_ctrl_c_during_a_recorded_request_leaves_a_readable_session(shell, faults, tmp_path):
    session = tmp_path / "work" / "sessions" / "cut.jsonl"
    s = shell(faults.url, "--timeout=60", f"--record={session}")
    s.run("get /ok", "HTTP/1.1 200 OK")
    s.line("get /hang")
    deadline = 50
    while faults.paths()[-1] != "/hang":
        s.child.expect(pexpect.TIMEOUT, timeout=0.1)
        deadline -= 1
        assert deadline, "the request never reached the server"
    s.child.sendintr()
    s.expect_exact("request cancelled", timeout=5)
    s.expect_exact(s.prompt)
    s.run("get /ok", "HTTP/1.1 200 OK")
    assert s.close() == 0
    recorded = read_session(session)
    assert [e.path for e in recorded] == ["/ok", "/ok"]
    assert recorded.warnings == []


def test_a_refused_server_still_gives_a_prompt(shell, refused):
    s = shell(refused, "--timeout=1")
    s.run("get /ok", f"explorer: cannot reach {refused}: connection refused")
    s.run("help", "exit")
    assert s.close() == 0


@pytest.mark.parametrize(
    ("mode", "message"),
    [
        ("error", "GET /discover answered an error: discovery is disabled for this key"),
        ("not-json", "GET /discover: not JSON"),
        ("error-403", "GET /discover answered 403: Forbidden: bad or missing token"),
        ("html-500", "GET /discover answered 500"),
    ],
)
def test_an_unusable_listing_still_gives_a_prompt(shell, make_faults, mode, message):
    server = make_faults(discover=mode)
    s = shell(server.url, "--timeout=2")
    s.run("get /ok", "HTTP/1.1 200 OK", "fine")  # paths work without routes
    # Said once, above the prompt: before the line ran or after, as the loading went.
    assert s.transcript.getvalue().count(message) == 1
    assert s.close() == 0


def test_garbage_routes_are_skipped_and_the_good_ones_complete(shell, make_faults):
    server = make_faults(discover="garbage")
    s = shell(server.url, "--timeout=2")
    out = s.run("routes list", "html-500 list")
    assert "ok list" in out
    s.run("ok list", "HTTP/1.1 200 OK", "fine")
    assert s.close() == 0


@pytest.mark.parametrize(
    ("mode", "warnings"),
    [
        ("duplicates", ["skipping route GET '/ok': duplicate of an earlier route",
                        "skipping route GET '/html-500': duplicate of an earlier route"]),
        ("unknown-methods", ["skipping route FROBNICATE '/ok': unknown method 'FROBNICATE'",
                             "skipping route BREW '/coffee': unknown method 'BREW'"]),
    ],
)
def test_duplicate_and_unknown_routes_are_warned_about_and_the_rest_works(
    shell, make_faults, mode, warnings
):
    server = make_faults(discover=mode)
    s = shell(server.url, "--timeout=2")
    out = s.run("routes list", "html-500 list")
    assert "ok list" in out
    s.run("ok list", "HTTP/1.1 200 OK", "fine")
    shown = s.transcript.getvalue()
    for warning in warnings:
        assert f"explorer: warning: {warning}" in shown
    assert s.close() == 0


@pytest.mark.xdist_group("many-routes")
def test_a_listing_of_100000_routes_gives_a_prompt_and_its_commands(shell, many_routes,
                                                                     tmp_path):
    server = many_routes.server
    many_routes.warm_home(tmp_path / "home")  # the shell's home: the listing is cached
    s = shell(server.url, "--timeout=10")
    # The routes load in the background; the first command waits for them once. A
    # generated command deep in the listing finds its route and sends its path.  The
    # wait is for that output; its bound is only there so a hang fails the test.
    s.line("bulk group999 item99900 get x1")
    s.expect_exact("404 Not Found: no fault 'bulk/group999/item99900/x1'", timeout=180)
    s.expect_exact(s.prompt)
    s.run("ok list", "HTTP/1.1 200 OK", "fine")
    assert s.close() == 0


def test_the_shell_history_and_caches_stay_valid_after_faults(shell, faults, tmp_path):
    s = shell(faults.url, "--timeout=1")
    s.run("routes list", "ok list")
    s.run("get /reset", "was lost while reading the body")
    s.run("get /bad-json", "not valid JSON")
    assert s.close() == 0
    home = tmp_path / "home"
    history = (home / "data" / "history").read_text()
    assert "get /reset" in history and "get /bad-json" in history
    for path in (home / "cache").rglob("*.json"):
        json.loads(path.read_bytes())  # every JSON cache file is whole
