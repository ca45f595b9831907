"""The shell's peak memory with 10,000 routes and 100,000 learned ids, in a pty.

Each shell is started, shown the prompt, typed ``get /public/v1/instruments/`` (which
completes from 20,000 learned ids), given a moment to draw the menu, then ended with
Ctrl-C Ctrl-D; its own ``ru_maxrss`` is read when it is reaped.  Floor: the bare
prompt_toolkit prompt with requests imported, typed the same line.
Budget: reported, and <= 2x.
"""

from __future__ import annotations

import re
import time

from benchmarks import synth
from benchmarks.figures import Settings
from benchmarks.figures.startup import bare, prepare, shell
from benchmarks.measure import interleave, median
from benchmarks.report import Row
from benchmarks.terminal import Terminal
from benchmarks.workspace import Workspace

NAME = "memory"
TITLE = "shell peak memory"
BUDGET = 2.0
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


def run(ws: Workspace, settings: Settings) -> list[Row]:
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
    return [
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
    ]
