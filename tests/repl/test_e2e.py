"""The real shell in a pseudo-terminal (pexpect) against the sandbox.

Each test spawns ``.venv/bin/explorer --url URL --token T --no-pager`` (the pager test
leaves ``--no-pager`` out) with EXPLORER_HOME in a tmp dir, a fixed 40x120 window,
TERM=xterm and no cursor-position requests, and waits for what it expects with pexpect
timeouts (no sleeps).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pexpect
import pytest
import requests

EXPLORER = Path(sys.executable).with_name("explorer")
INSTRUMENTS = "/public/v1/instruments"
TIMEOUT = 15


class Shell:
    def __init__(
        self,
        sandbox,
        home: Path,
        cwd: Path,
        *extra: str,
        env_extra: dict[str, str] | None = None,
        pager: bool = False,
    ) -> None:
        env = dict(os.environ)
        env.update(
            EXPLORER_HOME=str(home),
            TERM="xterm",
            PROMPT_TOOLKIT_NO_CPR="1",
            NO_COLOR="1",
            EDITOR="true",
            PYTHONUNBUFFERED="1",
        )
        for name in ("EXPLORER_URL", "EXPLORER_TOKEN", "EXPLORER_PROFILE", "PAGER"):
            env.pop(name, None)
        env.update(env_extra or {})
        args = [f"--url={sandbox.url}", f"--token={sandbox.token}"]
        args += [*([] if pager else ["--no-pager"]), *extra]
        self.prompt = f"{urlsplit(sandbox.url).netloc}/>"  # the space is drawn by a move
        self.child = pexpect.spawn(
            str(EXPLORER),
            args,
            env=env,
            cwd=str(cwd),
            dimensions=(40, 120),
            encoding="utf-8",
            codec_errors="replace",
            timeout=TIMEOUT,
        )

    def expect(self, pattern, timeout: float = TIMEOUT):
        self.child.expect(pattern, timeout=timeout)
        return self.child.match

    def expect_exact(self, text: str, timeout: float = TIMEOUT) -> None:
        self.child.expect_exact(text, timeout=timeout)

    def wait_prompt(self, prompt: str | None = None) -> None:
        self.expect_exact(prompt or self.prompt)

    def send(self, text: str) -> None:
        self.child.send(text)

    def line(self, text: str) -> None:
        self.child.send(text + "\r")

    def close(self) -> int | None:
        """End the shell as a user does, with Ctrl-D; its exit status.  A shell that
        does not end on Ctrl-D fails the test (it is killed first)."""
        if self.child.isalive():
            # A key typed in the instant after Ctrl-C can be read by the prompt that is
            # ending (prompt_toolkit), and the prompt it redraws on the way out matched
            # wait_prompt: a second Ctrl-D, as a user would press, reaches the new one.
            for wait in (10, 30):
                self.child.sendcontrol("d")
                try:
                    self.child.expect(pexpect.EOF, timeout=wait)
                    break
                except pexpect.TIMEOUT:
                    continue
            else:
                self.child.terminate(force=True)
                raise AssertionError(
                    f"the shell did not end on Ctrl-D; it showed: {self.child.before[-300:]!r}"
                )
        self.child.close()
        return self.child.exitstatus


@pytest.fixture
def shell(sandbox, tmp_path):
    shells: list[Shell] = []

    def start(*extra: str, **options) -> Shell:
        s = Shell(sandbox, tmp_path / "home", tmp_path, *extra, **options)
        shells.append(s)
        s.expect_exact("explorer shell on")
        s.wait_prompt()
        return s

    try:
        yield start
    finally:
        statuses = [s.close() for s in shells]
    assert all(status == 0 for status in statuses), statuses  # Ctrl-D ends a shell with 0


def instruments(sandbox, **query) -> list[dict]:
    answer = requests.get(
        sandbox.url + INSTRUMENTS,
        params=query,
        headers={"Authorization": f"Bearer {sandbox.token}"},
        timeout=5,
    )
    answer.raise_for_status()
    return answer.json()["data"]


def test_tab_completes_a_path_then_the_request_runs(shell, sandbox):
    s = shell()
    s.send("get /public/v1/ins")
    s.expect_exact("instruments list")  # the menu, with the command name as meta
    s.send("\t")
    s.line(" limit==1")
    s.expect_exact("200 OK")
    s.wait_prompt()


def test_tab_completes_an_id_with_its_name(shell, sandbox):
    listed = instruments(sandbox)
    ids = [item["id"] for item in listed]
    # An instrument whose first 4 characters no other id shares: one candidate.
    chosen = next(i for i in listed if sum(x.startswith(i["id"][:4]) for x in ids) == 1)
    s = shell()
    s.line(f"get {INSTRUMENTS} fields=name")  # any list answer teaches ids and names
    s.expect_exact("200 OK")
    s.wait_prompt()
    s.send(f"get {INSTRUMENTS}/{chosen['id'][:4]}")
    s.expect_exact(chosen["name"])  # the id is offered with its name
    s.send("\t")
    s.line(" ")
    s.expect_exact("200 OK")
    s.expect_exact(f'"id": "{chosen["id"]}"')
    s.wait_prompt()


def test_tab_completes_a_query_parameter(shell, sandbox):
    expected = instruments(sandbox, sort="-name", limit=1)[0]["name"]
    s = shell()
    s.send(f"get {INSTRUMENTS} so")
    s.expect_exact("sort by fields")
    s.send("\t")
    s.line("-name limit==1 fields=name")
    s.expect_exact("200 OK")
    s.expect_exact(expected)
    s.wait_prompt()


def test_a_variable_carried_from_one_answer_into_the_next_request(shell):
    s = shell()
    s.line('post /api/generic/protocol name="PCR protocol"')
    s.expect_exact("200 OK")
    s.wait_prompt()
    s.line("set pid={{last.id}}")
    pid = s.expect(r"pid = (\d+)").group(1)
    s.wait_prompt()
    s.line("post /api/generic/experiment name=Run protocol_id:={{pid}}")
    s.expect_exact("200 OK")
    s.expect_exact(f'"protocol_id": {pid}')
    s.wait_prompt()


def test_a_multi_line_json_body(shell):
    s = shell()
    s.send(f"post {INSTRUMENTS} {{\r")
    s.send('"name": "Typed over two lines"\r')
    s.send("}\r")
    s.expect_exact("201 Created")
    s.expect_exact('"name": "Typed over two lines"')
    s.wait_prompt()


def test_an_endpoint_switched_on_becomes_completable_after_refresh(shell, sandbox):
    s = shell()
    s.line("routes list")  # a command waits for the routes to be loaded
    s.expect_exact("instruments list")
    s.wait_prompt()
    sandbox.enable_family("labware")
    s.line("refresh")
    s.expect_exact("+ GET /public/v1/labware/:id?")
    s.wait_prompt()
    s.send("get /public/v1/lab")
    s.expect_exact("labware list")
    s.send("\t")
    s.line(" limit==1")
    s.expect_exact("200 OK")
    s.wait_prompt()


def test_ctrl_c_cancels_a_slow_request_and_the_shell_goes_on(shell, sandbox):
    s = shell()
    s.line("get /_sandbox/slow seconds==30")
    assert sandbox.slow_started.wait(TIMEOUT)  # the request is in flight
    s.child.sendintr()
    s.expect_exact("request cancelled", timeout=5)
    s.wait_prompt()
    s.line(f"get {INSTRUMENTS} limit==1")
    s.expect_exact("200 OK")
    s.wait_prompt()


def test_a_line_typed_while_a_request_runs_is_run_next(shell):
    s = shell()
    s.line("get /_sandbox/slow seconds==1")
    s.expect_exact("sending anyway")
    s.line(f"get {INSTRUMENTS} limit==1 fields=name")  # typed ahead, in cooked mode
    s.expect_exact('"slept"')
    s.expect_exact("1 row")
    s.wait_prompt()


def test_ctrl_c_at_the_prompt_clears_the_line(shell):
    s = shell()
    s.send("get /nowhere/at/all")
    s.child.sendintr()
    s.wait_prompt()
    s.line(f"get {INSTRUMENTS} limit==1")
    s.expect_exact("200 OK")
    s.wait_prompt()


def test_failures_print_one_line_and_the_shell_goes_on(shell):
    s = shell()
    s.line("instrument lst")
    s.expect_exact("explorer: unknown command")
    s.wait_prompt()
    s.line("get /public/v1/instruments/{{nope}}")
    s.expect_exact("unknown variable 'nope'")
    s.wait_prompt()
    s.line(f"get {INSTRUMENTS} limit==1")
    s.expect_exact("200 OK")
    s.wait_prompt()


def test_ctrl_d_exits_with_0(shell):
    s = shell()
    s.child.sendcontrol("d")
    s.child.expect(pexpect.EOF, timeout=5)
    s.child.close()
    assert s.child.exitstatus == 0


def test_history_persists_across_runs_without_the_token(shell, sandbox, tmp_path):
    s = shell()
    s.line(f'get {INSTRUMENTS} limit==1 "Authorization:Bearer {sandbox.token}"')
    s.expect_exact("200 OK")
    s.wait_prompt()
    assert s.close() == 0
    history = (tmp_path / "home" / "data" / "history").read_text()
    assert f"get {INSTRUMENTS} limit==1" in history
    assert sandbox.token not in history
    again = shell()
    again.line("history")  # the lines shown as the file keeps them: this run's too
    again.expect_exact('"Authorization:***"')
    again.wait_prompt()
    again.line(f"connect {sandbox.url} --routes labstep --api-key k3y-typed-here-991")
    again.expect_exact("connected to")
    again.wait_prompt()
    again.line("history 2")
    again.expect_exact("--api-key ***")
    again.wait_prompt()
    assert "k3y-typed-here-991" not in again.child.before
    again.send("\x12")  # Ctrl-R: search the history
    again.send("limit==1")
    again.expect_exact('"Authorization:***"')
    again.send("\x07")  # Ctrl-G: leave the search, the line is empty again
    assert again.close() == 0


def test_routes_a_refetch_found_complete_at_once(shell, sandbox):
    first = shell()  # writes the discovery cache; the next shell starts from it
    assert first.close() == 0
    s = shell()
    sandbox.enable_family("labware")
    s.line("get /public/v1/labware limit==1")  # unknown to the cache: a refetch
    s.expect_exact("routes: +")
    s.expect_exact("labware list")
    s.expect_exact("200 OK")
    s.wait_prompt()
    s.send("get /public/v1/lab")
    s.expect_exact("labware list")  # the menu, without a refresh
    s.send("\t")
    s.line(" limit==1")
    s.expect_exact("200 OK")
    s.wait_prompt()


def test_routes_are_revalidated_while_the_shell_is_open(shell, sandbox, tmp_path):
    config = tmp_path / "home" / "config"
    config.mkdir(parents=True)
    (config / "config.toml").write_text("[settings]\ndiscovery_ttl = 1\n")
    s = shell()
    s.line("routes list")  # the routes are loaded
    s.expect_exact("instruments list")
    s.wait_prompt()
    sandbox.enable_family("labware")
    s.expect_exact("routes: +")  # printed above the prompt, nothing typed
    s.send("get /public/v1/lab")
    s.expect_exact("labware list")
    s.child.sendintr()
    s.wait_prompt()


def test_a_variable_keeps_its_number_in_a_generated_command(shell):
    s = shell("--routes=labstep")
    s.line('protocol create name="PCR protocol"')
    s.expect_exact("200 OK")
    s.wait_prompt()
    s.line("set pid={{last.id}}")
    pid = s.expect(r"pid = (\d+)").group(1)
    s.wait_prompt()
    s.line('experiment create name="Run 1" protocol_id={{pid}}')
    s.expect_exact("200 OK")
    s.expect_exact(f'"protocol_id": {pid}')
    s.wait_prompt()


def test_ctrl_x_ctrl_e_opens_the_editor_and_runs_what_it_wrote(shell, tmp_path):
    editor = tmp_path / "editor.sh"
    editor.write_text(
        "#!/bin/sh\n"
        f'printf "%s\\n" "get {INSTRUMENTS} limit==1 fields=name" > "$1"\n'
        f'echo opened >> "{tmp_path / "editor.log"}"\n'
    )
    editor.chmod(0o755)
    s = shell(env_extra={"EDITOR": str(editor), "VISUAL": str(editor)})
    s.send("get /typed/before")
    s.child.sendcontrol("x")
    s.child.sendcontrol("e")
    s.expect_exact("1 row")  # the line the editor wrote, run
    s.wait_prompt()
    assert (tmp_path / "editor.log").read_text() == "opened\n"


def test_output_taller_than_the_screen_goes_through_the_pager(shell, tmp_path):
    paged = tmp_path / "paged.txt"
    s = shell(pager=True, env_extra={"PAGER": f"cat > {paged}"})
    s.line(f"get {INSTRUMENTS} limit==3 fields=name")  # fits: no pager
    s.expect_exact("3 rows")
    s.wait_prompt()
    assert not paged.exists()
    s.line(f"get {INSTRUMENTS} limit==45 fields=name")  # 40 rows on the screen
    s.line("output")  # runs once the request above is done
    s.expect_exact("lists shown as table")
    text = paged.read_text()
    assert "200 OK" in text and "45 rows" in text


def test_a_new_shell_completes_ids_from_what_the_last_one_learned(shell, sandbox):
    listed = instruments(sandbox)
    ids = [item["id"] for item in listed]
    chosen = next(i for i in listed if sum(x.startswith(i["id"][:4]) for x in ids) == 1)
    first = shell()
    first.line(f"get {INSTRUMENTS} fields=name")
    first.expect_exact("200 OK")
    first.wait_prompt()
    assert first.close() == 0  # what was learned is saved on the way out
    sandbox.stop()  # nothing can be fetched now: the ids come from the saved store
    s = shell()
    s.send(f"get {INSTRUMENTS}/{chosen['id'][:4]}")
    s.expect_exact(chosen["name"])
    s.send("\t")
    s.expect_exact(chosen["id"])
    s.send("\x03")  # Ctrl-C drops the line: Ctrl-D exits only at an empty prompt
    assert s.close() == 0
