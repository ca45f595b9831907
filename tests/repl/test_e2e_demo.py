"""``explorer demo`` in a pseudo-terminal: one shell, both APIs of the sandbox.

The README's tour, as a user types it: the LabOS part, then ``connect demo-labstep``,
``login`` (the password the demo printed, typed without echo), a protocol, an
experiment with its ``protocol_id``, a file upload, and back with ``connect
demo-labos``; the prompt, completion, variables and recording follow each switch.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pexpect

EXPLORER = Path(sys.executable).with_name("explorer")
TIMEOUT = 20


def spawn_demo(tmp_path: Path) -> tuple[pexpect.spawn, str, str]:
    """``explorer demo`` running; its URL and the Labstep password it printed."""
    env = dict(os.environ)
    env.update(
        EXPLORER_HOME=str(tmp_path / "home"),
        TERM="xterm",
        PROMPT_TOOLKIT_NO_CPR="1",
        NO_COLOR="1",
        PYTHONUNBUFFERED="1",
    )
    for name in ("EXPLORER_URL", "EXPLORER_TOKEN", "EXPLORER_PROFILE", "EXPLORER_API_KEY"):
        env.pop(name, None)
    child = pexpect.spawn(
        str(EXPLORER),
        ["--no-pager", "demo"],
        env=env,
        cwd=str(tmp_path),
        dimensions=(40, 120),
        encoding="utf-8",
        codec_errors="replace",
        timeout=TIMEOUT,
    )
    child.expect(r"sandbox: (http://127\.0\.0\.1:\d+)")
    url = child.match.group(1)
    child.expect(r"password: (\S+)")
    return child, url, child.match.group(1)


def test_the_tour_walks_both_apis_in_one_shell(tmp_path):
    (tmp_path / "plate.csv").write_text("well,value\nA1,0.42\n")
    child, url, password = spawn_demo(tmp_path)
    netloc = url.removeprefix("http://")
    try:
        child.expect_exact("connect demo-labstep")  # how to switch, said at the start
        child.expect_exact(f"demo-labos {netloc}/>")

        def line(text: str, *expected: str, prompt: str = "demo-labos") -> str:
            child.send(text + "\r")
            for item in expected:
                child.expect_exact(item)
            child.expect_exact(f"{prompt} {netloc}/>")
            return child.before

        line("record start tour", "recording to sessions/tour.jsonl")
        line("instruments list actions.action=prime limit==1 fields==name", "200 OK", "1 row")
        line("set first={{last.data.0.id}}", "first = ")
        line("connect demo-labstep", "connected to", "no credentials yet (login gets a key)",
             prompt="demo-labstep")  # fmt: skip
        child.send("prot")
        child.expect_exact("protocol")  # completion follows: the Labstep commands
        child.send("\x03")
        child.expect_exact(f"demo-labstep {netloc}/>")
        child.send("login\r")
        child.expect_exact("password for demo@example.com:")
        child.send(password + "\r")
        child.expect_exact("logged in as demo@example.com")
        child.expect_exact(f"demo-labstep {netloc}/>")
        assert password not in child.before
        line("protocol create name=Assay", "200 OK", '"name": "Assay"', prompt="demo-labstep")
        line("set pid={{last.id}}", "pid = ", prompt="demo-labstep")
        shown = line('experiment create name="Run 1" protocol_id={{pid}}', "200 OK",
                     prompt="demo-labstep")  # fmt: skip
        assert '"protocol_id": ' in shown and '"protocol_id": "' not in shown  # a number
        line("set eid={{last.id}}", "eid = ", prompt="demo-labstep")
        line("file upload file@plate.csv experiment_id={{eid}}", "200 OK", '"name": "plate.csv"',
             prompt="demo-labstep")  # fmt: skip
        line("connect demo-labos", "connected to", prompt="demo-labos")
        line("instruments get {{first}} fields==name", "200 OK")  # variables followed
        line("record stop", "recorded")
    finally:
        child.sendcontrol("d")
        child.expect(pexpect.EOF)
        child.close()
    assert child.exitstatus == 0
    sessions = sorted(p.name for p in (tmp_path / "sessions").glob("*.jsonl"))
    assert sessions == ["tour-demo-labstep.jsonl", "tour.jsonl"]
    labos = [json.loads(x) for x in (tmp_path / "sessions" / "tour.jsonl").read_text().splitlines()]
    assert [s["request"]["path"] for s in labos[1:]] == [  # appended to on the way back
        "/public/v1/instruments",
        f"/public/v1/instruments/{labos[1]['response']['body']['json']['data'][0]['id']}",
    ]
    labstep = (tmp_path / "sessions" / "tour-demo-labstep.jsonl").read_text()
    assert "/api/generic/experiment" in labstep and password not in labstep
    steps = [json.loads(x) for x in labstep.splitlines()[1:]]
    assert [s["request"]["method"] + " " + s["request"]["path"] for s in steps] == [
        "POST /public-api/user/login",
        "POST /api/generic/protocol",
        "POST /api/generic/experiment",
        "POST /api/generic/file/upload",
    ]
