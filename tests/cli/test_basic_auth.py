"""HTTP Basic end to end (``--auth USER[:PASS]``, ``EXPLORER_AUTH``, a profile's
``auth``) against the sandbox's Labstep routes, which take the account's username and
password: call, -v, the prompt for a left-out password, the shell, recording, replay."""

from __future__ import annotations

import base64
import json
import os
import sys
from pathlib import Path

import pexpect

EXPLORER = Path(sys.executable).with_name("explorer")
LIST = "/api/generic/experiment"


def _pair(sandbox) -> str:
    return f"{sandbox.username}:{sandbox.password}"


def _encoded(sandbox) -> str:
    return base64.b64encode(_pair(sandbox).encode()).decode()


def test_a_call_with_auth_and_with_a_wrong_password(run, sandbox):
    base = ["--url", sandbox.url, "--routes", "labstep"]
    ok = run(*base, "--auth", _pair(sandbox), "call", "GET", LIST)
    assert ok.returncode == 0, ok.stderr
    assert "items" in json.loads(ok.stdout)
    wrong = run(*base, "--auth", f"{sandbox.username}:nope", "call", "GET", LIST)
    assert wrong.returncode == 4, wrong.stderr
    assert "nope" not in wrong.stderr


def test_verbose_masks_the_credential(run, sandbox):
    result = run("--url", sandbox.url, "--routes", "labstep", "-v", "-a", _pair(sandbox),
                 "call", "GET", LIST)
    assert result.returncode == 0, result.stderr
    shown = result.stdout + result.stderr
    assert "Authorization: Basic ***" in shown
    assert sandbox.password not in shown and _encoded(sandbox) not in shown


def test_environment_and_profile_give_it_and_flags_win(run, sandbox):
    base = ["--url", sandbox.url, "--routes", "labstep"]
    env = run(*base, "call", "GET", LIST, env={"EXPLORER_AUTH": _pair(sandbox)})
    assert env.returncode == 0, env.stderr
    config = run.home / "config" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text(f'[profiles.lab]\nurl = "{sandbox.url}"\nroutes = "labstep"\n'
                      f'auth = "{_pair(sandbox)}"\n')
    config.chmod(0o600)
    profile = run("--profile", "lab", "call", "GET", LIST)
    assert profile.returncode == 0, profile.stderr
    flag_wins = run("--profile", "lab", "--auth", "someone:else", "call", "GET", LIST)
    assert flag_wins.returncode == 4
    config.chmod(0o644)
    shared = run("--profile", "lab", "call", "GET", LIST)
    assert "readable by other users" in shared.stderr  # it holds a password


def test_a_left_out_password_is_asked_on_the_terminal_only(run, sandbox):
    piped = run("--url", sandbox.url, "--routes", "labstep", "--auth", sandbox.username,
                "call", "GET", LIST, input="")
    assert piped.returncode == 2
    assert "no terminal to ask" in piped.stderr and "Traceback" not in piped.stderr
    child = pexpect.spawn(
        str(EXPLORER),
        ["--url", sandbox.url, "--routes", "labstep", "--no-pager", "--auth", sandbox.username,
         "call", "GET", LIST],
        env=run.env({"TERM": "dumb"}), encoding="utf-8", timeout=15,
    )
    child.expect_exact(f"password for {sandbox.username}: ")
    child.sendline(sandbox.password)
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0, child.before
    assert sandbox.password not in child.before


def test_the_shell_sends_it_and_shows_it_masked(sandbox, tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("EXPLORER_")}
    env.update(EXPLORER_HOME=str(tmp_path), TERM="xterm", PROMPT_TOOLKIT_NO_CPR="1",
               NO_COLOR="1", PAGER="")
    child = pexpect.spawn(
        str(EXPLORER),
        ["--url", sandbox.url, "--routes", "labstep", "--no-pager", "--auth", _pair(sandbox)],
        env=env, cwd=str(tmp_path), dimensions=(40, 120), encoding="utf-8", timeout=15,
    )
    try:
        child.expect_exact("/>")
        child.send("headers\r")
        child.expect_exact("Authorization: Basic ***")
        child.send(f"get {LIST}\r")
        child.expect_exact("HTTP/1.1 200 OK")
        child.expect_exact("/>")
        child.sendcontrol("d")
        child.expect(pexpect.EOF)
    finally:
        child.close(force=True)
    assert sandbox.password not in child.before and _encoded(sandbox) not in child.before


def test_record_then_replay_with_and_without_the_credential(run, sandbox, tmp_path):
    session = tmp_path / "basic.jsonl"
    base = ["--url", sandbox.url, "--routes", "labstep"]
    made = run(*base, "--auth", _pair(sandbox), "--record", str(session),
               "experiment", "create", "name=Basic run")
    assert made.returncode == 0, made.stderr
    created = json.loads(made.stdout)["id"]
    assert run(*base, "--auth", _pair(sandbox), "--record", str(session),
               "call", "GET", f"{LIST}/{created}").returncode == 0
    text = session.read_text()
    assert sandbox.password not in text and _encoded(sandbox) not in text
    header, first, _second = (json.loads(line) for line in text.splitlines())
    assert header["auth"] == "basic"
    assert first["request"]["headers"]["Authorization"] == "Basic {{secret}}"
    replayed = run(*base, "--auth", _pair(sandbox), "replay", str(session))
    assert replayed.returncode == 0, replayed.stdout + replayed.stderr
    without = run(*base, "replay", str(session))
    assert without.returncode == 1
    assert "401" in without.stdout
