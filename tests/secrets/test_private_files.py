"""What explorer keeps under its config, cache and data directories is private (files
0600 in 0700 directories, whatever the umask; an older version's 0644 learned store and
0755 directories are tightened), and a URL's ``user:password@`` reaches no file: not the
discovery cache, the learned store, the history, a session or the credentials file."""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path

import pexpect

EXPLORER = str(Path(sys.executable).with_name("explorer"))
INSTRUMENTS = "/public/v1/instruments"


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _with_userinfo(url: str, user: str, password: str) -> str:
    return url.replace("http://", f"http://{user}:{password}@")


def test_files_are_private_and_hold_no_url_userinfo(run, sandbox, tmp_path):
    user, password = "alice-u53r", "s3cret-pw-9f"
    url = _with_userinfo(sandbox.url, user, password)
    # An older version's cache: a learned store 0644 in 0755 directories.
    old = run.home / "cache" / "learned"
    old.mkdir(parents=True)
    (old / "old.json").write_text('{"format": 2}\n')
    (old / "old.json").chmod(0o644)
    for directory in (run.home / "cache", old):
        directory.chmod(0o755)
    saved = os.umask(0o022)
    try:
        assert run("--url", url, "--token", sandbox.token, "routes").returncode == 0
        assert run("--url", url, "--token", sandbox.token, "--record", "tour",
                   "call", "GET", INSTRUMENTS, "limit==2").returncode == 0
        lines = f"get {INSTRUMENTS} limit==3\nget {INSTRUMENTS}/{{{{last.data.0.id}}}}\n"
        result = run("--url", url, "--token", sandbox.token, "--no-pager", input=lines.encode())
        assert "Traceback" not in result.err
        labstep = _with_userinfo(sandbox.url, user, password)
        login = run("--url", labstep, "--routes", "labstep", "login", "--username",
                    sandbox.username, "--password-stdin", input=sandbox.password.encode() + b"\n")
        assert login.returncode == 0, login.err
    finally:
        os.umask(saved)
    files = [p for p in run.home.rglob("*") if p.is_file()]
    dirs = [p for p in run.home.rglob("*") if p.is_dir()]
    assert any(p.parent.name == "discovery" for p in files)
    assert any(p.parent.name == "learned" and p.name != "old.json" for p in files)
    assert any(p.name == "credentials.json" for p in files)
    loose = [f"{p.relative_to(run.home)} {oct(_mode(p))}" for p in files if _mode(p) != 0o600]
    loose += [f"{p.relative_to(run.home)}/ {oct(_mode(p))}" for p in dirs if _mode(p) != 0o700]
    assert loose == []
    session = run.cwd / "sessions" / "tour.jsonl"
    leaks = [
        str(path) for path in [*files, session]
        if user.encode() in path.read_bytes() or password.encode() in path.read_bytes()
        or user in path.name
    ]
    assert leaks == []


def test_the_history_keeps_no_known_secret_and_no_url_userinfo(sandbox, tmp_path):
    home = tmp_path / "home"
    env = {"PATH": os.environ["PATH"], "HOME": str(tmp_path), "EXPLORER_HOME": str(home),
           "TERM": "xterm", "NO_COLOR": "1", "PROMPT_TOOLKIT_NO_CPR": "1", "NO_PROXY": "*",
           "PYTHONUNBUFFERED": "1"}
    child = pexpect.spawn(EXPLORER, ["--url", sandbox.url, "--token", sandbox.token,
                                     "--no-pager"], env=env, timeout=60, encoding="utf-8",
                          dimensions=(40, 200))
    for n, line in enumerate([
        f"set tk={sandbox.token}",
        f"get {sandbox.url.replace('http://', 'http://bob:pw-0123456@')}{INSTRUMENTS} limit==1",
        f"get {INSTRUMENTS} refreshToken=rt-0123456789 limit==1",
    ]):
        child.send(line + "\r")
        child.send(f"set mark=DONE{n}\r")
        child.expect_exact(f"mark = DONE{n}")
    child.send("\x04")
    child.expect(pexpect.EOF)
    history = (home / "data" / "history").read_text()
    assert "set tk=***" in history
    assert sandbox.token not in history
    assert "bob" not in history and "pw-0123456" not in history and "//***@" in history
    assert "rt-0123456789" not in history and "refreshToken=***" in history
    assert _mode(home / "data" / "history") == 0o600 and _mode(home / "data") == 0o700
