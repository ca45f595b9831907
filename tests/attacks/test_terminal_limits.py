"""An answer too big or too deep for a terminal: the real console script in a real
pseudo-terminal (pexpect) against a loopback server.

* Past ``settings.render_limit`` (set to 64 KB here; 4 MB by default) the first part
  is shown, then one line says how many bytes were not shown and how to get them; piped,
  the same answer is every byte, unchanged.
* JSON nested 100,000 deep is shown as received (it cannot be indented), with no
  RecursionError, in a one-shot command and in the shell, which goes on.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pexpect
import pytest
from documentserver import document_server

from explorer.config import Settings

EXPLORER = str(Path(sys.executable).with_name("explorer"))
LIMIT = 64 * 1024
BIG = json.dumps([{"id": n, "name": f"item {n:06d}"} for n in range(12_000)]).encode()
DEEP = b"[" * 100_000 + b"]" * 100_000


@pytest.fixture
def server():
    with document_server() as server:
        server.bodies["/discover"] = ({"Content-Type": "application/json"}, json.dumps(
            {"data": [{"method": "GET", "path": "/big"}, {"method": "GET", "path": "/deep"}]}
        ).encode())
        server.bodies["/big"] = ({"Content-Type": "application/json",
                                  "Content-Length": str(len(BIG))}, BIG)
        server.bodies["/deep"] = ({"Content-Type": "application/json"}, DEEP)
        yield server


@pytest.fixture
def home(tmp_path) -> Path:
    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "config.toml").write_text(f"[settings]\nrender_limit = {LIMIT}\n")
    return tmp_path


def _env(home: Path) -> dict[str, str]:
    return {
        "PATH": "/usr/bin:/bin", "HOME": str(home), "EXPLORER_HOME": str(home),
        "NO_PROXY": "*", "LANG": "C.UTF-8", "TERM": "xterm", "NO_COLOR": "1",
        "PROMPT_TOOLKIT_NO_CPR": "1", "PYTHONUNBUFFERED": "1", "EXPLORER_PAGER": "",
    }  # fmt: skip


def _terminal(home: Path, *args: str) -> tuple[bytes, int]:
    child = pexpect.spawn(EXPLORER, list(args), env=_env(home), cwd=str(home),
                          dimensions=(40, 200), timeout=60)
    out = child.read()
    child.close()
    return out, child.exitstatus


def test_the_default_render_limit_is_a_few_megabytes():
    assert Settings().render_limit == 4 * 1024 * 1024


def test_past_the_render_limit_the_first_part_and_one_line_about_the_rest(home, server):
    out, status = _terminal(home, "--url", server.url, "--no-pager", "call", "GET", "/big")
    assert status == 0, out[-2000:]
    text = out.decode().replace("\r\n", "\n")
    assert text.startswith("HTTP/1.1 200 OK")
    assert '"item 000000"' in text  # the first part is there
    assert "item 011999" not in text  # the end is not
    body_shown = text.split("\n", 1)[1].rsplit("\n(", 1)[0]
    assert LIMIT - 16 <= len(body_shown.encode()) <= LIMIT + 1
    note = text.rstrip("\n").rsplit("\n", 1)[-1]
    assert f"{len(BIG) - LIMIT:,} more bytes not shown" in note
    assert "render_limit" in note and "-o FILE" in note and "pipe" in note


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_a_format_view_past_the_render_limit_is_cut_the_same_way(home, server, fmt):
    out, status = _terminal(home, "--url", server.url, "--no-pager", "call", "GET", "/big",
                            "--format", fmt)
    assert status == 0, out[-2000:]
    text = out.decode().replace("\r\n", "\n")
    assert "item 000000" in text and "item 011999" not in text
    note = text.rstrip("\n").rsplit("\n", 1)[-1]
    assert note.startswith("(") and "more bytes not shown" in note, note
    assert f"the {fmt} view is" in note and "-o FILE" in note
    piped = subprocess.run([EXPLORER, "--url", server.url, "call", "GET", "/big", "--format",
                            fmt], capture_output=True, env=_env(home), cwd=home, timeout=60)
    assert b"item 011999" in piped.stdout and b"not shown" not in piped.stdout  # all of it


def test_piped_the_same_answer_is_every_byte(home, server):
    result = subprocess.run([EXPLORER, "--url", server.url, "call", "GET", "/big"],
                            capture_output=True, env=_env(home), cwd=home, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout == BIG


def test_an_answer_nested_100000_deep_is_shown_as_received_on_a_terminal(home, server):
    (home / "config" / "config.toml").write_text("")  # the default render limit
    out, status = _terminal(home, "--url", server.url, "--no-pager", "call", "GET", "/deep")
    assert status == 0, out[-2000:]
    assert b"RecursionError" not in out and b"internal error" not in out
    assert b"[" * 1000 in out
    # one line names the depth (it cannot be indented)
    assert b"not valid JSON (nested 100,000 levels deep); shown as text" in out


def test_the_shell_shows_a_deep_answer_and_goes_on(home, server):
    (home / "config" / "config.toml").write_text("")  # the default render limit
    prompt = server.url.split("//", 1)[1].encode() + b"/>"
    child = pexpect.spawn(EXPLORER, ["--url", server.url, "--no-pager"], env=_env(home),
                          cwd=str(home), dimensions=(40, 200), timeout=60)
    try:
        child.expect_exact(prompt)
        child.send(b"get /deep\r")
        child.expect_exact(b"HTTP/1.1 200 OK")
        child.expect_exact(b"]" * 1000)
        child.expect_exact(prompt)
        child.send(b"set after=deep\r")
        child.expect_exact(b"after = deep")
        child.expect_exact(prompt)
        child.sendcontrol("d")
        child.expect(pexpect.EOF)
    finally:
        child.close(force=True)
    assert b"RecursionError" not in child.before
