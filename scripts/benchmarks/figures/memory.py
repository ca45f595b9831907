"""The shell's peak memory with 10,000 routes and 100,000 learned ids, in a pty.

Each shell is started, shown the prompt, typed ``get /public/v1/instruments/`` (which
completes from 20,000 learned ids), given a moment to draw the menu, then ended with
Ctrl-C Ctrl-D; its own ``ru_maxrss`` is read when it is reaped.  Floor: the bare
prompt_toolkit prompt with requests imported, typed the same line.
Budget: reported, and <= 2x.

Also a ``/discover`` listing of 100,000 routes (issue 15): the peak RSS of a one-shot
``explorer --url FIXTURE/n100000 call GET /public/v1/instruments`` with no cache
(fetch, parse, index, write the cache, then the call), budget <= 200 MB; and of the
same call with that cache written (reported).
"""

from __future__ import annotations

import re
import shutil
import time

from benchmarks import synth
from benchmarks.figures import Settings
from benchmarks.figures.startup import bare, prepare, shell
from benchmarks.measure import interleave, median, run_child
from benchmarks.report import Row
from benchmarks.terminal import Terminal
from benchmarks.workspace import Workspace

NAME = "memory"
TITLE = "shell peak memory"
BUDGET = 2.0
BIG = 100_000
BIG_BUDGET = 200e6
TYPED = b"get /public/v1/instruments/"


def _peak(terminal: Terminal, prompt: re.Pattern[str], first_id: str | None) -> float:
    try:
        terminal.wait_for_prompt(prompt, timeout=60)
        terminal.send(TYPED)
        if first_id is not None:
            terminal.wait_for(lambda out: first_id.encode() in out, timeout=20)
        else:
            deadline = time.monotonic() + 0.5
            while time.monotonic() < deadline:
                terminal.pump(0.05)
    finally:
        _, rss = terminal.finish(b"\x03\x04")
    return rss


def big_listing(ws: Workspace, settings: Settings) -> list[Row]:
    url = ws.api_url(BIG)
    home = ws.dir / "home-100k"
    env = {**ws.env, "EXPLORER_HOME": str(home)}
    call_argv = ws.explorer_argv(url, "call", "GET", "/public/v1/instruments")

    def cold() -> float:
        shutil.rmtree(home, ignore_errors=True)
        return run_child(call_argv, env=env, timeout=300).max_rss

    def warm() -> float:
        if not (home / "cache").exists():
            run_child(call_argv, env=env, timeout=300)
        return run_child(call_argv, env=env, timeout=300).max_rss

    peaks = interleave({"cold": cold, "warm": warm}, reps=settings.reps(3, 1), warmup=0)
    ours = median(peaks["cold"])
    return [
        Row(NAME, "peak memory, one-shot GET, /discover of 100,000 routes, cold", ours,
            unit="B", budget=f"<= {BIG_BUDGET / 1e6:.0f} MB", ok=ours <= BIG_BUDGET,
            details={"samples": peaks["cold"]}),
        Row(NAME, "peak memory, one-shot GET, 100,000 routes cached", median(peaks["warm"]),
            unit="B", details={"samples": peaks["warm"]}),
    ]


def run(ws: Workspace, settings: Settings) -> list[Row]:
    rows = big_listing(ws, settings)
    url, text = prepare(ws)
    prompt = re.compile(re.escape(text.rstrip()))
    per_list = 100_000 // 5
    first_id = min(synth.ids(per_list))  # the completion menu lists ids in order
    peaks = interleave(
        {
            "explorer": lambda: _peak(shell(ws, url), prompt, first_id),
            "bare": lambda: _peak(bare(ws, text), prompt, None),
        },
        reps=settings.reps(5, 2),
        warmup=0,
    )
    ours, base = median(peaks["explorer"]), median(peaks["bare"])
    rows.append(
        Row(
            NAME,
            "shell peak memory, 10,000 routes + 100,000 ids",
            ours,
            unit="B",
            floor=base,
            floor_label="bare PromptSession",
            ratio=ours / base,
            budget=f"<= {BUDGET:g}x",
            ok=ours / base <= BUDGET,
            details={"samples": peaks},
        )
    )
    return rows
