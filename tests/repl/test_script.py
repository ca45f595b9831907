"""The shell without a terminal: ``explorer --url U --token=T < script``, run for real
in a subprocess (stdin a pipe, stdout and stderr captured) against the sandbox."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
import requests

INSTRUMENTS = "/public/v1/instruments"


@pytest.fixture
def script(sandbox, home, tmp_path):
    """``script(text)``: run the shell on ``text``; the finished process."""

    def run(text: str) -> subprocess.CompletedProcess:
        env = {k: v for k, v in os.environ.items() if k not in ("PAGER", "NO_COLOR")}
        env.update(EXPLORER_HOME=str(home), TERM="dumb")
        return subprocess.run(
            [sys.executable, "-m", "explorer", f"--url={sandbox.url}", f"--token={sandbox.token}"],
            input=text,
            capture_output=True,
            text=True,
            env=env,
            cwd=tmp_path,
            timeout=60,
        )

    return run


def get(sandbox, path: str) -> requests.Response:
    headers = {"Authorization": f"Bearer {sandbox.token}"}
    return requests.get(sandbox.url + path, headers=headers, timeout=5)


def first_instrument(sandbox) -> dict:
    return get(sandbox, f"{INSTRUMENTS}?limit=1&sort=name").json()["data"][0]


def test_lines_run_in_order_and_the_status_says_all_worked(script, sandbox):
    done = script(f"get {INSTRUMENTS} limit==1 fields=name\nget {INSTRUMENTS}/nope\n")
    assert done.returncode == 1  # the 404
    assert '"data"' in done.stdout
    assert script(f"get {INSTRUMENTS} limit==1\n").returncode == 0


def test_a_comment_with_a_quote_is_only_a_comment(script, sandbox):
    name = first_instrument(sandbox)["name"]
    done = script(f"# don't stop here\n  # indented\nget {INSTRUMENTS} limit==1 sort=name\n")
    assert done.returncode == 0, done.stderr
    assert name in done.stdout
    assert done.stderr == ""


def test_a_hash_inside_a_json_body_is_part_of_the_body(script, sandbox):
    done = script(f'post {INSTRUMENTS} {{\n# not a comment\n"name": "x"}}\n')
    assert done.returncode == 1
    assert "not valid JSON" in done.stderr


@pytest.mark.parametrize("setting", [None, "true"])
def test_destructive_commands_are_sent_without_asking(script, sandbox, home, setting):
    # Like `explorer call`, curl or HTTPie: whoever wrote the script typed the DELETE,
    # and without a terminal nobody could answer a question.
    if setting is not None:
        (home / "config").mkdir(parents=True)
        (home / "config" / "config.toml").write_text(
            f"[settings]\nconfirm_destructive = {setting}\n"
        )
    instrument = first_instrument(sandbox)
    path = f"{INSTRUMENTS}/{instrument['id']}"
    done = script(f"delete {path}\n")
    assert done.returncode == 0, done.stderr
    assert "Really" not in done.stderr and "not sent" not in done.stdout
    assert get(sandbox, path).status_code == 404


def test_each_answer_ends_with_a_newline_when_piped(script, sandbox):
    done = script(
        f"get {INSTRUMENTS} limit==1 fields=name\n"
        f"get {INSTRUMENTS} limit==1 fields=id\n"
        "set x=1\n"
    )
    assert done.returncode == 0, done.stderr
    first, second, said = done.stdout.split("\n")[:3]
    assert list(json.loads(first)["data"][0]) == ["id", "name"]
    assert list(json.loads(second)["data"][0]) == ["id"]
    assert said == "x = 1"
    assert done.stdout.endswith("x = 1\n")
