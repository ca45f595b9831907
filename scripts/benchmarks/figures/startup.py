"""Time to the shell's first prompt, in a pseudo-terminal, with a cached 10,000-route registry.

The shell is ``explorer --url URL`` against the fixture server's 10,000-route API,
whose discovery cache is fresh (no request is made) and whose learned store holds
100,000 ids, as a well-used shell's would.  Floor: a bare prompt_toolkit
``PromptSession().prompt()`` with requests imported, showing the same prompt text.
Both are timed from the fork until the prompt text is on the screen.
Budget: <= 1.25x.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from benchmarks.figures import Settings
from benchmarks.measure import interleave, median
from benchmarks.report import Row
from benchmarks.terminal import Terminal
from benchmarks.workspace import Workspace

NAME = "startup"
TITLE = "time to first prompt"
ROUTES = 10_000
IDS = 100_000
BUDGET = 1.25
ROWS, COLS = 40, 120
BARE_PROMPT = """\
import sys
import requests
from prompt_toolkit import PromptSession
try:
    PromptSession().prompt(sys.argv[1])
except (EOFError, KeyboardInterrupt):
    pass
"""


def prepare(ws: Workspace) -> tuple[str, str]:
    """The 10k-route API's URL (cached, with learned ids) and the shell's prompt text."""
    url = ws.api_url(ROUTES)
    ws.cache_routes(url)
    ws.once(f"learn {url}", lambda: ws.worker("learn", url=url, ids=IDS))
    parts = urlsplit(url)
    return url, f"{parts.netloc}{parts.path.rstrip('/')}/> "


def shell(ws: Workspace, url: str) -> Terminal:
    return Terminal(ws.explorer_argv(url), env=ws.env, rows=ROWS, cols=COLS, cwd=str(ws.dir))


def bare(ws: Workspace, prompt: str) -> Terminal:
    argv = [ws.python, "-c", BARE_PROMPT, prompt]
    return Terminal(argv, env=ws.env, rows=ROWS, cols=COLS, cwd=str(ws.dir))


def _time_to_prompt(terminal: Terminal, prompt: re.Pattern[str]) -> float:
    try:
        return terminal.wait_for_prompt(prompt, timeout=60)
    finally:
        terminal.finish()


def run(ws: Workspace, settings: Settings) -> list[Row]:
    url, text = prepare(ws)
    prompt = re.compile(re.escape(text.rstrip()))
    times = interleave(
        {
            "explorer": lambda: _time_to_prompt(shell(ws, url), prompt),
            "bare": lambda: _time_to_prompt(bare(ws, text), prompt),
        },
        reps=settings.reps(15, 4),
        warmup=2,
    )
    ours, base = median(times["explorer"]), median(times["bare"])
    return [
        Row(
            NAME,
            "time to first prompt, 10,000 routes (pty)",
            ours,
            floor=base,
            floor_label="bare PromptSession",
            ratio=ours / base,
            budget=f"<= {BUDGET:g}x",
            ok=ours / base <= BUDGET,
            note="the learned store holds 100,000 ids",
            details={"samples": times},
        )
    ]
