"""Pager, OutputEnv.from_system (NO_COLOR, TERM, pager settings), exit codes, redaction."""

from __future__ import annotations

import io
import subprocess
import sys

import pytest

from explorer.render import OutputEnv, exit_code_for, redact_headers, render_response
from explorer.render.pager import emit


def _long_json(lines: int) -> bytes:
    return ("[" + ",".join(str(i) for i in range(lines)) + "]").encode()


def test_pager_used_only_when_output_exceeds_height(capture, make_response, tmp_path):
    paged = tmp_path / "paged.txt"
    cap = capture(height=10, pager=f"cat > '{paged}'")
    render_response(make_response(_long_json(20)), cap.env)
    assert paged.read_text(encoding="utf-8").startswith("HTTP/1.1 200 OK")
    assert paged.read_text(encoding="utf-8").count("\n") == 23
    assert cap.out == ""

    paged.unlink()
    cap = capture(height=10, pager=f"cat > '{paged}'")
    render_response(make_response(_long_json(3)), cap.env)  # 6 lines
    assert not paged.exists()
    assert cap.out.startswith("HTTP/1.1 200 OK")


def test_exactly_height_lines_is_not_paged(capture, tmp_path):
    paged = tmp_path / "p"
    cap = capture(height=3, pager=f"cat > '{paged}'")
    emit("1\n2\n3\n", cap.env)
    assert not paged.exists()
    emit("1\n2\n3\n4", cap.env)
    assert paged.read_text(encoding="utf-8") == "1\n2\n3\n4"


def test_never_paged_when_piped_or_without_pager(capture, make_response, tmp_path):
    paged = tmp_path / "p"
    cap = capture(tty=False, height=2, pager=f"cat > '{paged}'")
    render_response(make_response(_long_json(50)), cap.env)
    assert not paged.exists()
    cap = capture(height=2, pager=None)
    render_response(make_response(_long_json(50)), cap.env)
    assert cap.out.count("\n") == 53


def test_missing_pager_falls_back_to_direct_output(capture):
    cap = capture(height=1, pager="no-such-pager-program-xyz -R")
    emit("a\nb\nc\n", cap.env)
    assert cap.out == "a\nb\nc\n"


class FakeTTY(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(
    ("environ", "tty", "force", "color"),
    [
        ({"TERM": "xterm-256color"}, True, None, True),
        ({"TERM": "xterm-256color", "NO_COLOR": "1"}, True, None, False),
        ({"TERM": "xterm", "NO_COLOR": "anything"}, True, None, False),
        ({"TERM": "xterm", "NO_COLOR": ""}, True, None, True),  # empty: not set
        ({"TERM": "dumb"}, True, None, False),
        ({"TERM": "xterm"}, False, None, False),
        ({"NO_COLOR": "1"}, True, True, True),
        ({}, True, False, False),
    ],
)
def test_from_system_color(environ, tty, force, color):
    stdout = FakeTTY() if tty else io.StringIO()
    env = OutputEnv.from_system(
        environ=environ, stdout=stdout, stderr=io.StringIO(), force_color=force
    )
    assert env.color is color
    assert env.stdout_isatty is tty
    assert env.stdout is stdout


def test_from_system_256_colours():
    env = OutputEnv.from_system(environ={"TERM": "xterm-256color"}, stdout=FakeTTY())
    assert env.color_256
    env = OutputEnv.from_system(environ={"TERM": "xterm"}, stdout=FakeTTY())
    assert not env.color_256


def test_from_system_pager():
    tty = FakeTTY()
    both = {"EXPLORER_PAGER": "more", "PAGER": "less"}
    assert OutputEnv.from_system(environ=both, stdout=tty).pager == "more"
    assert OutputEnv.from_system(environ={"PAGER": "most"}, stdout=tty).pager == "most"
    assert (
        OutputEnv.from_system(environ={"EXPLORER_PAGER": "", "PAGER": "x"}, stdout=tty).pager
        is None
    )
    assert OutputEnv.from_system(environ=both, stdout=tty, no_pager=True).pager is None
    assert OutputEnv.from_system(environ=both, stdout=io.StringIO()).pager is None


def test_from_system_pager_setting_comes_after_explorer_pager_and_before_pager():
    def pager(environ, setting, **kwargs):
        return OutputEnv.from_system(
            environ=environ, stdout=FakeTTY(), pager_setting=setting, **kwargs
        ).pager

    assert pager({"PAGER": "x"}, "most") == "most"
    assert pager({"PAGER": "x"}, False) is None
    assert pager({"EXPLORER_PAGER": "more", "PAGER": "x"}, "most") == "more"
    assert pager({"EXPLORER_PAGER": "more", "PAGER": "x"}, False) == "more"
    assert pager({"PAGER": "x"}, None) == "x"
    assert pager({}, "most", no_pager=True) is None


def test_from_system_highlight_limit():
    assert OutputEnv.from_system(environ={}, max_highlight_bytes=7).max_highlight_bytes == 7
    assert OutputEnv.from_system(environ={}).max_highlight_bytes == 1_000_000


def test_from_system_size_is_positive():
    env = OutputEnv.from_system(environ={}, stdout=io.StringIO())
    assert env.width >= 20 and env.height >= 2


def test_importing_does_not_probe_or_load_pygments():
    code = (
        "import sys, explorer.render, explorer.items\n"
        "print(sorted(m for m in ('pygments', 'requests', 'prompt_toolkit', 'jsonschema')"
        " if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


@pytest.mark.parametrize(
    ("status", "code"),
    [
        (200, 0),
        (201, 0),
        (204, 0),
        (301, 0),
        (304, 0),
        (399, 0),
        (400, 4),
        (403, 4),
        (404, 4),
        (499, 4),
        (500, 5),
        (503, 5),
        (599, 5),
        (100, 1),
        (101, 1),
        (600, 1),
        (0, 1),
    ],
)
def test_exit_code_for(status, code):
    assert exit_code_for(status) == code


def test_redact_headers():
    headers = {
        "Authorization": "Bearer abc.def",
        "proxy-authorization": "Basic dXNlcg==",
        "apikey": "K1",
        "X-Api-Key": "K2",
        "Cookie": "a=b",
        "set-cookie": "sid=1",
        "Accept": "application/json",
        "User-Agent": None,
    }
    assert redact_headers(headers) == [
        ("Authorization", "Bearer ***"),
        ("proxy-authorization", "Basic ***"),
        ("apikey", "***"),
        ("X-Api-Key", "***"),
        ("Cookie", "***"),
        ("set-cookie", "***"),
        ("Accept", "application/json"),
    ]
    assert redact_headers([("AUTHORIZATION", "justatoken")]) == [("AUTHORIZATION", "***")]
