"""Files and arguments an attacker (or an accident) hands to explorer: a device, a FIFO,
a huge token file, a config nested 100,000 deep, an argument that is not UTF-8.  Each
is a usage error of one line (exit 2) from the real console script, before any request
is sent (the URL is a port nothing listens on; an attempt to send would say
"cannot reach" and exit 3), and never an out-of-memory kill or a traceback.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pexpect
import pytest

EXPLORER = str(Path(sys.executable).with_name("explorer"))
NOWHERE = "http://127.0.0.1:9"


def _run(home: Path, *args: str | bytes, stdin: bytes | None = None, env=None):
    env = {
        "PATH": "/usr/bin:/bin", "HOME": str(home), "EXPLORER_HOME": str(home),
        "NO_PROXY": "*", "LANG": "C.UTF-8", "EXPLORER_PAGER": "", **(env or {}),
    }  # fmt: skip
    result = subprocess.run(
        [EXPLORER, *args], input=stdin, capture_output=True, env=env, cwd=home, timeout=60,
    )
    result.err = result.stderr.decode("utf-8", "replace")
    return result


def _usage_error(result, *needles: str) -> str:
    assert result.returncode == 2, result.err
    assert result.err.startswith("explorer: ") and "Traceback" not in result.err
    assert "cannot reach" not in result.err  # refused before sending
    first = result.err.splitlines()[0]
    for needle in needles:
        assert needle in first, result.err
    return first


@pytest.fixture
def home(tmp_path) -> Path:
    return tmp_path


def test_a_token_file_that_is_a_device_is_refused_before_it_is_read(home):
    # /dev/zero read "to the first line" is an endless read: the OOM killer (exit 137)
    result = _run(home, "--url", NOWHERE, "--token-file", "/dev/zero", "call", "GET", "/x")
    _usage_error(result, "/dev/zero", "not a regular file")
    assert len(result.err.splitlines()) == 1


def test_a_token_file_that_is_a_fifo_is_refused_without_blocking(home):
    fifo = home / "token.fifo"
    os.mkfifo(fifo)  # nobody writes: an open for reading would wait forever
    result = _run(home, "--url", NOWHERE, "--token-file", str(fifo), "call", "GET", "/x")
    _usage_error(result, "not a regular file")


def test_a_token_file_over_64_kb_is_refused(home):
    token = home / "token.txt"
    token.write_bytes(b"t" * (64 * 1024 + 1))
    token.chmod(0o600)
    result = _run(home, "--url", NOWHERE, "--token-file", str(token), "call", "GET", "/x")
    _usage_error(result, "larger than 64 KB")
    token.write_bytes(b"t" * (64 * 1024))  # the limit itself is a token (and is sent)
    result = _run(home, "--url", NOWHERE, "--token-file", str(token), "call", "GET", "/x")
    assert result.returncode == 3 and "cannot reach" in result.err, result.err


@pytest.mark.parametrize("item", ["body=@/dev/zero", "body:=@/dev/urandom", "file@/dev/zero"])
def test_a_file_item_naming_a_device_is_refused(home, item):
    result = _run(home, "--url", NOWHERE, "call", "POST", "/x", item)
    _usage_error(result, "not a regular file")


def test_a_file_item_over_its_limit_is_refused(home):
    big = home / "big.json"
    with open(big, "wb") as f:
        f.truncate(64 * 1024 * 1024 + 1)  # sparse: costs no disk
    result = _run(home, "--url", NOWHERE, "call", "POST", "/x", f"body=@{big}")
    _usage_error(result, "larger than 64 MB")


def _config(home: Path) -> Path:
    directory = home / "config"
    directory.mkdir(exist_ok=True)
    return directory


def test_a_config_that_is_too_large_or_not_a_file_is_refused(home):
    config = _config(home) / "config.toml"
    config.write_bytes(b"# " + b"x" * (1024 * 1024) + b"\n")
    _usage_error(_run(home, "--url", NOWHERE, "call", "GET", "/x"), "larger than 1 MB")
    config.unlink()
    config.symlink_to("/dev/zero")
    _usage_error(_run(home, "--url", NOWHERE, "call", "GET", "/x"), "not a regular file")


def test_a_config_nested_100000_deep_is_refused_with_one_line(home):
    (_config(home) / "config.toml").write_text("a = " + "[" * 100_000 + "\n")
    result = _run(home, "--url", NOWHERE, "call", "GET", "/x")
    _usage_error(result, "config.toml", "nested 100,000 levels deep")


def test_credentials_nested_deep_or_too_large_are_refused_with_one_line(home):
    credentials = _config(home) / "credentials.json"
    credentials.write_text("[" * 100_000)
    credentials.chmod(0o600)
    result = _run(home, "--url", NOWHERE, "call", "GET", "/x")
    _usage_error(result, "credentials.json", "nested 100,000 levels deep")
    credentials.write_bytes(b"{}" + b" " * (1024 * 1024))
    result = _run(home, "--url", NOWHERE, "call", "GET", "/x")
    _usage_error(result, "credentials.json", "larger than 1 MB")


@pytest.mark.parametrize("arg", [b"X-A:\xff", b"q==\xc3", b"/x\xed\xa0\x80"])
def test_an_argument_that_is_not_utf8_is_a_usage_error(home, arg):
    result = _run(home, "--url", NOWHERE, "call", "GET", "/x", arg)
    line = _usage_error(result, "not valid UTF-8")
    assert len(result.err.splitlines()) == 1
    assert "\\x" in line  # the bad byte is named, escaped


def test_an_environment_variable_that_is_not_utf8_is_a_usage_error(home):
    token = b"tok\xff-SECRET"
    result = _run(home, "--url", NOWHERE, "call", "GET", "/x", env={b"EXPLORER_TOKEN": token})
    line = _usage_error(result, "EXPLORER_TOKEN", "not valid UTF-8")
    assert "SECRET" not in result.err and len(result.err.splitlines()) == 1, line


def test_a_piped_shell_line_that_is_not_utf8_is_refused_and_the_shell_goes_on(home):
    script = b"get /x X-A:\xff\nset ok=yes\nvars\n"
    result = _run(home, "--url", NOWHERE, "--routes", "labstep", stdin=script)
    assert "Traceback" not in result.err and "internal error" not in result.err
    assert "not valid UTF-8" in result.err and "X-A:\\xff" in result.err
    assert b"ok = yes" in result.stdout  # the lines after it ran


def test_a_typed_shell_line_that_is_not_utf8_is_refused_and_the_shell_goes_on(home):
    env = {
        "PATH": "/usr/bin:/bin", "HOME": str(home), "EXPLORER_HOME": str(home),
        "NO_PROXY": "*", "LANG": "C.UTF-8", "TERM": "xterm", "NO_COLOR": "1",
        "PROMPT_TOOLKIT_NO_CPR": "1", "PYTHONUNBUFFERED": "1", "EXPLORER_PAGER": "",
    }  # fmt: skip
    child = pexpect.spawn(EXPLORER, ["--url", NOWHERE, "--routes", "labstep", "--no-pager"],
                          env=env, cwd=str(home), dimensions=(40, 200), timeout=30)
    try:
        child.expect_exact(b"127.0.0.1:9/>")
        child.send(b"set bad=\xff\r")
        child.expect_exact(b"not valid UTF-8")
        child.expect_exact(b"127.0.0.1:9/>")
        child.send(b"set ok=yes\r")
        child.expect_exact(b"ok = yes")
        child.expect_exact(b"127.0.0.1:9/>")
        child.sendcontrol("d")
        child.expect(pexpect.EOF)
    finally:
        child.close(force=True)
    assert b"internal error" not in (child.before or b"")
    kept = (home / "data" / "history").read_bytes()
    assert b"set ok=yes" in kept and b"bad" not in kept  # the file holds only UTF-8 lines
