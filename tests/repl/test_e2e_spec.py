"""The real shell in a pseudo-terminal on GitHub's API description (no server needed:
the routes come from the file): Tab at a parameter segment names the parameter, the
toolbar shows the typed command's tag and summary, help shows the spec's parameters."""

from __future__ import annotations

import gzip
import os
import sys
from pathlib import Path

import pexpect
import pytest

EXPLORER = Path(sys.executable).with_name("explorer")
DATA = Path(__file__).resolve().parent.parent / "data" / "openapi"
TIMEOUT = 20


@pytest.fixture
def github_shell(tmp_path):
    spec = tmp_path / "api.github.com.json"
    spec.write_bytes(gzip.decompress((DATA / "github" / "api.github.com.json.gz").read_bytes()))
    env = {k: v for k, v in os.environ.items() if not k.startswith("EXPLORER_")}
    env.update(EXPLORER_HOME=str(tmp_path / "home"), TERM="xterm", PROMPT_TOOLKIT_NO_CPR="1",
               NO_COLOR="1", PYTHONUNBUFFERED="1")
    child = pexpect.spawn(
        str(EXPLORER), ["--url=http://127.0.0.1:9", "--spec", str(spec), "--no-pager"],
        env=env, cwd=str(tmp_path), dimensions=(40, 160), encoding="utf-8",
        codec_errors="replace", timeout=TIMEOUT)
    child.expect_exact("127.0.0.1:9/>")
    yield child
    if child.isalive():
        child.sendcontrol("c")
        child.sendcontrol("d")
        try:
            child.expect(pexpect.EOF, timeout=5)
        except pexpect.TIMEOUT:
            child.terminate(force=True)
    child.close()


def test_tab_at_a_parameter_segment_names_it(github_shell):
    github_shell.send("get /repos/")
    github_shell.expect_exact("{owner}")  # the menu, while typing
    github_shell.expect_exact("string: The account owner of the repository.")
    github_shell.send("\t")  # Tab keeps it: the rows insert nothing
    github_shell.expect_exact("(no value seen yet)")


def test_help_shows_the_specs_parameters(github_shell):
    github_shell.send("help issues list-for-repo\r")
    github_shell.expect_exact("usage: issues list-for-repo OWNER REPO")
    github_shell.expect(r"state +one of open, closed, all \(default open\)")
