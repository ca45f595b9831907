"""A hostile server (hostileserver.py) puts terminal escapes in every string it controls;
none of them reaches the terminal raw, in one-shot commands or in the shell.

One-shot commands run in a real pseudo-terminal (pexpect), without and with colour
(pygments highlighting); the shell runs in one too, with its completion menu and bottom
toolbar.  What the terminal received is checked byte for byte for the raw sequences
(hostileserver.RAW), and for the server's text shown escaped instead.  Piped, the
body stays exactly the bytes the server sent.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pexpect
import pytest
from hostileserver import EVIL, RAW, SHOWN, TITLE, HostileServer, items

EXPLORER = str(Path(sys.executable).with_name("explorer"))
TIMEOUT = 60
#: explorer's own colours, the only escape sequences it may write itself
SGR = re.compile(rb"\x1b\[[0-9;]*m")
#: a carriage return that is not the pty's own CRLF line end
BARE_CR = re.compile(rb"\r(?!\n)")

ONE_SHOT = [
    "routes",
    "call GET /items",
    "-v call GET /one",
    "call GET /error",
    "call GET /html",
    "call GET /text",
    "call GET /xml",
    "items list --help",
    "probe",
]


@pytest.fixture
def hostile():
    with HostileServer() as server:
        yield server


def _env(home: Path, *, color: bool) -> dict[str, str]:
    env = {
        "PATH": "/usr/bin:/bin", "HOME": str(home), "EXPLORER_HOME": str(home),
        "NO_PROXY": "*", "PYTHONUNBUFFERED": "1", "PROMPT_TOOLKIT_NO_CPR": "1",
        "LANG": "C.UTF-8", "EXPLORER_PAGER": "",
    }  # fmt: skip
    if color:
        env["TERM"] = "xterm-256color"
    else:
        env.update(TERM="xterm", NO_COLOR="1")
    return env


def _one_shots_in_a_pty(url: str, home: Path, *, color: bool) -> bytes:
    """Every command of ONE_SHOT in one pseudo-terminal, one after the other."""
    script = "; ".join(f"{EXPLORER} --url {url} --no-pager {command}" for command in ONE_SHOT)
    child = pexpect.spawn("/bin/sh", ["-c", script], env=_env(home, color=color),
                          dimensions=(50, 250), timeout=TIMEOUT)
    out = child.read()
    child.close()
    return out


@pytest.mark.parametrize("color", [False, True], ids=["plain", "highlighted"])
def test_one_shot_commands_show_the_servers_escapes_never_obey_them(hostile, tmp_path, color):
    out = _one_shots_in_a_pty(hostile.url, tmp_path, color=color)
    if color:
        assert SGR.search(out), "highlighting was on"
        out = SGR.sub(b"", out)
    assert b"\x1b" not in out  # no escape sequence at all but explorer's own colours
    assert [raw for raw in RAW if raw in out] == []
    assert not BARE_CR.search(out)
    text = out.decode()
    # shown escaped: the reason phrase, a header, the error object, the HTML page, the
    # help's summary, a route path, the probe table
    assert f"HTTP/1.1 200 OK {SHOWN}" in text
    assert f"X-Evil: {SHOWN}" in text
    assert f"404 Not Found {SHOWN}" in text and f": no {SHOWN}" in text
    assert f"<title>{SHOWN}" in text
    assert f"  List {SHOWN}" in text
    assert f"GET     /evil{SHOWN}" in text
    assert "line two\r\nend\\r" in text  # text/plain: lines kept, the bare CR escaped
    assert "GET /items" in text and "skipped (no id to use)" in text  # probe ran


def test_piped_bodies_stay_byte_for_byte(hostile, tmp_path):
    run = subprocess.run(
        [EXPLORER, "--url", hostile.url, "-v", "call", "GET", "/items"],
        capture_output=True, env=_env(tmp_path, color=False), timeout=TIMEOUT, check=False,
    )
    import json

    assert run.stdout == json.dumps(items()).encode()  # exactly what the server sent
    assert [raw for raw in RAW if raw in run.stderr] == []  # -v's heads: shown escaped
    assert f"X-Evil: {SHOWN}".encode() in run.stderr


class Shell:
    """The shell in a pseudo-terminal; every received byte is kept in :attr:`raw`."""

    def __init__(self, url: str, home: Path) -> None:
        self.child = pexpect.spawn(EXPLORER, ["--url", url, "--no-pager"],
                                   env=_env(home, color=False), dimensions=(40, 200),
                                   timeout=TIMEOUT)
        self.chunks: list[bytes] = []
        self.child.logfile_read = self  # type: ignore[assignment]
        self.marks = 0

    def write(self, data: bytes) -> None:  # pexpect's log of what the terminal got
        self.chunks.append(data)

    def flush(self) -> None:
        return

    @property
    def raw(self) -> bytes:
        return b"".join(self.chunks)

    def run(self, line: str) -> None:
        """Type ``line``, then a marker command, and wait until the marker is echoed."""
        self.child.send(line + "\r")
        self.mark()

    def mark(self) -> None:
        self.marks += 1
        self.child.send(f"set mark=DONE{self.marks}\r")
        self.child.expect_exact(f"mark = DONE{self.marks}")

    def tab(self, text: str, expected: bytes) -> None:
        """Type ``text`` and Tab; wait for ``expected`` on the screen, then clear the line."""
        self.child.send(text + "\t")
        self.child.expect_exact(expected)
        self.child.send("\x15")  # Ctrl-U: the typed line is dropped

    def close(self) -> int:
        self.child.send("\x04")
        self.child.expect(pexpect.EOF)
        self.child.close()
        return self.child.exitstatus


def test_the_shell_shows_the_servers_escapes_never_obeys_them(hostile, tmp_path):
    shell = Shell(hostile.url, tmp_path)
    for line in ("get /items", "output table", "items list", "set x={{last.data.0.name}}",
                 "vars", "get /error", "help items list", "routes", "get /html", "get /one",
                 "set y={{last}}"):
        shell.run(line)
    # The completion menu: ids with their names (learned from the list), and command
    # words from the server, shown escaped (prompt_toolkit itself would draw ^[).
    shell.tab("get /items/", SHOWN.encode())
    shell.tab("things ", b"mark\\x1b]0;PWNED-TITLE")
    shell.mark()
    assert shell.close() == 0
    out = shell.raw
    assert [raw for raw in RAW if raw in out] == []
    text = out.decode("utf-8", "replace")
    assert f"x = first {SHOWN}" in text  # set echoes the value escaped
    assert f"404 Not Found {SHOWN}" in text
    assert f"  List {SHOWN}" in text  # help
    assert f"/evil{SHOWN}" in text  # routes
    assert f"2 rows; next{SHOWN}" in text  # the table's footer
    assert "kind\\x1b]0;PWNED-TITLE" in text  # a column named by a hostile key


def test_a_background_warning_is_shown_escaped(hostile, tmp_path):
    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "config.toml").write_text("[settings]\ndiscovery_ttl = 0\n")
    subprocess.run([EXPLORER, "--url", hostile.url, "routes"], capture_output=True,
                   env=_env(tmp_path, color=False), timeout=TIMEOUT, check=True)
    hostile.discover_fails = True  # the background revalidation gets a hostile 500
    shell = Shell(hostile.url, tmp_path)
    shell.child.expect_exact("keeping the cached routes")
    shell.mark()
    assert shell.close() == 0
    out = shell.raw
    assert [raw for raw in RAW if raw in out] == []
    assert f"discovery broke {SHOWN}".encode() in out


def test_the_toolbar_shows_a_background_warning_escaped(hostile, tmp_path, monkeypatch):
    # In a pty the toolbar needs a cursor-position answer (the tests switch those off),
    # so its fragments are read in-process, after a warning from a background thread.
    import io
    import threading

    from explorer.cli.context import Context
    from explorer.cli.main import global_parser
    from explorer.repl.app import ShellApp

    monkeypatch.setenv("EXPLORER_HOME", str(tmp_path))
    options = global_parser().parse_args([f"--url={hostile.url}", "--no-pager"])
    context = Context(options, stderr=io.StringIO())
    try:
        app = ShellApp(context, interactive=False)
        warned = threading.Thread(target=app.warn, args=(f"GET /discover said {EVIL}",))
        warned.start()
        warned.join()
        toolbar = "".join(text for _style, text in app._toolbar())
        assert "! GET /discover said \\x1b]0;PWNED-TITLE" in toolbar
        assert not re.search("[\x00-\x1f\x7f-\x9f]", toolbar)
        app.close()
    finally:
        context.close()


def test_replay_dry_run_and_export_of_a_hostile_session_show_it_escaped(hostile, tmp_path):
    env = _env(tmp_path, color=False)
    for path in ("/error", "/items"):
        subprocess.run([EXPLORER, "--url", hostile.url, "--record", "s", "call", "GET", path],
                       capture_output=True, env=env, cwd=tmp_path, timeout=TIMEOUT, check=False)
    session = tmp_path / "sessions" / "s.jsonl"
    # Expect other answers, so the report quotes what the server said.
    text = re.sub(r'"status": ?404', '"status": 200', session.read_text())
    session.write_text(text.replace("second", "changed"))
    commands = [f"--url {hostile.url} replay sessions/s.jsonl",
                f"--url {hostile.url} replay --dry-run sessions/s.jsonl",
                "export sessions/s.jsonl --to curl", "export sessions/s.jsonl --to python"]
    script = "; ".join(f"{EXPLORER} {command}" for command in commands)
    child = pexpect.spawn("/bin/sh", ["-c", script], env=env, cwd=str(tmp_path),
                          dimensions=(50, 250), timeout=TIMEOUT)
    out = child.read()
    child.close()
    assert [raw for raw in RAW if raw in out] == [] and b"\x1b" not in out
    text = out.decode()
    assert "status: expected 200, got 404" in text and SHOWN in text  # the report
    assert "GET http://127.0.0.1" in text  # the dry run
    assert "#!/usr/bin/env bash" in text and "import requests" in text  # both exports


def test_the_sandbox_log_shows_a_clients_request_line_escaped(tmp_path):
    import io
    import socket

    from explorer.sandbox import SandboxServer

    log = io.StringIO()
    server = SandboxServer(storage_dir=tmp_path, log=log).start()
    try:
        with socket.create_connection(("127.0.0.1", server.port), timeout=10) as conn:
            conn.sendall(f"GET /{TITLE}x HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                         .encode("latin-1"))
            while conn.recv(65536):
                pass
    finally:
        server.stop()
    assert "\\x1b]0;PWNED-TITLE\\x07x" in log.getvalue()
    assert not re.search("[\x00-\x09\x0b-\x1f\x7f-\x9f]", log.getvalue())
