"""``explorer replay SESSION`` without ``--url``: the session's recorded server, named on
stderr, with only the command line's credentials; its writes asked about on a terminal
and refused without ``--yes`` off one.  The real console script (a pty for the question)."""

from __future__ import annotations

import sys

import pexpect
import requests

from explorer.sessions.format import read_session


def _commands(server, session_path) -> int:
    """How many commands the session's instrument has on ``server`` now."""
    post = next(e for e in read_session(session_path).exchanges if e.method == "POST")
    path = post.target.split("?")[0].replace("{{base_url}}", "")
    answer = requests.get(f"{server.url}{path}", timeout=5,
                          headers={"Authorization": f"Bearer {server.token}"})
    answer.raise_for_status()
    return len(answer.json()["data"])


def test_without_url_it_replays_on_the_recorded_server_and_its_writes_need_yes(
        labos_session, sandbox, run):
    before = _commands(sandbox, labos_session)
    refused = run("--token", sandbox.token, "replay", str(labos_session))
    assert refused.returncode == 2, refused.stdout + refused.stderr
    assert f"replaying against {sandbox.url}, the server the session was recorded on" \
        in refused.stderr
    assert "the session sends 2 writes (POST)" in refused.stderr and "--yes" in refused.stderr
    assert refused.stdout == "" and _commands(sandbox, labos_session) == before

    done = run("--token", sandbox.token, "replay", str(labos_session), "--yes")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "7 steps: 7 passed" in done.stdout
    assert _commands(sandbox, labos_session) == before + 1

    safe = run("--token", sandbox.token, "replay", str(labos_session), "--only-safe")
    assert safe.returncode == 0, safe.stdout + safe.stderr
    assert _commands(sandbox, labos_session) == before + 1


def test_the_environment_credential_is_not_sent_where_the_file_points(labos_session,
                                                                      sandbox, run):
    result = run("replay", str(labos_session), "--yes",
                 env={"EXPLORER_TOKEN": sandbox.token})
    assert "EXPLORER_TOKEN is not sent to the session's server" in result.stderr
    assert result.returncode == 1
    assert "got 403 (missing Bearer token)" in result.stdout


def test_a_session_with_no_server_of_its_own_needs_url(labos_session, run):
    lines = labos_session.read_text().splitlines()
    lines[0] = lines[0].replace('"base_url":"http', '"base_url":"file')
    labos_session.write_text("\n".join(lines) + "\n")
    result = run("replay", str(labos_session), "--yes")
    assert result.returncode == 2
    assert result.stderr.strip().splitlines()[-1].startswith("explorer: no server: give --url")


def test_on_a_terminal_it_asks_before_the_writes(labos_session, sandbox, run):
    before = _commands(sandbox, labos_session)

    def spawn():
        return pexpect.spawn(sys.executable, ["-m", "explorer", "--token", sandbox.token,
                                              "replay", str(labos_session)],
                             cwd=str(run.cwd), env=run.env(), encoding="utf-8",
                             dimensions=(24, 120), timeout=60)

    child = spawn()
    child.expect_exact(f"Replay 2 writes (POST) on {sandbox.url}? [y/N] ")
    child.sendline("n")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 2 and "not replayed: nothing was sent" in child.before
    assert _commands(sandbox, labos_session) == before

    child = spawn()
    child.expect_exact("? [y/N] ")
    child.sendline("y")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0, child.before
    assert "7 steps: 7 passed" in child.before
    assert _commands(sandbox, labos_session) == before + 1
