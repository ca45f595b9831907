"""The shell with the GitHub REST description (``--spec``, 1,223 operations), and Tab
at a 60-child listing: issue 15's interactive figures, each in a pseudo-terminal.

* **first prompt, warm**: ``explorer --url FIXTURE/gh --spec GITHUB`` with the cache
  written, from the fork until the prompt is drawn; floor: a bare ``PromptSession``
  with requests imported (the figure ``startup``'s).  Budget <= 1.25x, as there.
* **routes usable** (cold: an empty ``EXPLORER_HOME`` each round; warm: the cache
  written): from the fork until ``repos list-for-o`` typed right after the prompt has
  its completion ``repos list-for-org`` on the screen.  Floor: *a blocking start*, a
  script that loads the routes with explorer's own code (``Context.load_routes``: the
  same parse and cache write) and only then opens a ``PromptSession`` completing the
  command names.  Budget <= 1.0x: the shell draws its prompt first and loads behind
  it, and must not make the routes usable later than that.
* **peak memory, cold start**: the cold shell's own peak RSS (reaped with ``wait4``
  after its completion answered) against ``json.load`` of the document alone, in the
  same rounds.  Budget <= 1.2x.
* **Tab at a 60-child listing**: the fixture API of 600 routes (60 families under
  ``/public/v1/``), ``get /public/v1/`` typed and the screen quiet, then one Tab; the
  time from the keystroke to the last byte of the redraw (quiet for 150 ms after it).
  Floor: a ``PromptSession`` with the same display settings (column menu, toolbar,
  completion while typing) and a completer offering the same 60 children, each shown
  as explorer shows it (``alerts/``, meta ``GET POST · alerts create, alerts list``:
  the methods and the commands that end there).  Budget <= 1.0x.
"""

from __future__ import annotations

import re
import shutil
from urllib.parse import urlsplit

from benchmarks import synth
from benchmarks.figures import Settings
from benchmarks.figures.oneshot import github_call
from benchmarks.figures.startup import BARE_PROMPT, COLS, ROWS
from benchmarks.measure import interleave, median, rounds, run_child
from benchmarks.report import Row
from benchmarks.terminal import Terminal
from benchmarks.workspace import Workspace

NAME = "shell"
TITLE = "the shell with the GitHub spec; Tab at a 60-child listing"
PROMPT_BUDGET = 1.25
USABLE_BUDGET = 1.0
MEMORY_BUDGET = 1.2
TAB_BUDGET = 1.0
#: rounds of the shell's figures and of the Tab (a keystroke's time is a few ms: the
#: median needs more of them to settle on machines this noisy)
REPS = 13
TAB_REPS = 21
TYPED = b"repos list-for-o"
ANSWER = b"list-for-org"
TAB_ROUTES = 600
TAB_TYPED = b"get /public/v1/"

BLOCKING_START = """\
import sys
from explorer.cli.context import Context
from explorer.cli.main import global_parser
context = Context(global_parser().parse_args(sys.argv[2:]))
names = context.load_routes().command_names()
from prompt_toolkit import PromptSession
from prompt_toolkit.completion import WordCompleter
session = PromptSession(completer=WordCompleter(names, sentence=True),
                        complete_while_typing=True)
try:
    session.prompt(sys.argv[1])
except (EOFError, KeyboardInterrupt):
    pass
"""

BARE_TAB = """\
import sys
import requests
from prompt_toolkit import PromptSession
from prompt_toolkit.completion import Completer, Completion
from prompt_toolkit.shortcuts import CompleteStyle

children = sorted(sys.argv[2:])

class Children(Completer):
    def get_completions(self, document, event):
        text = document.text_before_cursor
        if not text.startswith("get /public/v1/"):
            return
        partial = text.rsplit("/", 1)[1]
        for name in children:
            if name.startswith(partial):
                yield Completion(name + "/", -len(partial), display=name + "/",
                                 display_meta=f"GET POST · {name} create, {name} list")

try:
    PromptSession(completer=Children(), complete_while_typing=True,
                  complete_style=CompleteStyle.COLUMN, reserve_space_for_menu=6,
                  bottom_toolbar=" server 127.0.0.1  profile default  routes cached",
                  ).prompt(sys.argv[1])
except (EOFError, KeyboardInterrupt):
    pass
"""


def _prompt_text(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.netloc}{parts.path.rstrip('/')}/> "


def _terminal(ws: Workspace, argv: list[str], env: dict) -> Terminal:
    return Terminal(argv, env=env, rows=ROWS, cols=COLS, cwd=str(ws.dir))


def run(ws: Workspace, settings: Settings) -> list[Row]:
    spec = str(ws.github_spec)
    url = ws.github_url
    github_call(ws)  # the warm cache, in ws.home
    text = _prompt_text(url)
    prompt = re.compile(re.escape(text.rstrip()))
    shell_args = ["--url", url, "--spec", spec]
    cold_home = ws.dir / "home-cold-shell"
    cold_env = {**ws.env, "EXPLORER_HOME": str(cold_home)}
    memory: dict[str, list[float]] = {"cold": [], "json.load": []}

    def usable(argv: list[str], env: dict, *, cold: bool, peak: str | None = None) -> float:
        if cold:
            shutil.rmtree(cold_home, ignore_errors=True)
        terminal = _terminal(ws, argv, env)
        try:
            terminal.wait_for_prompt(prompt, timeout=120)
            terminal.send(TYPED)
            return terminal.wait_for(lambda out: ANSWER in out, timeout=120)
        finally:
            _, rss = terminal.finish(b"\x03\x04")
            if peak is not None:
                memory[peak].append(rss)

    def first_prompt(argv: list[str]) -> float:
        terminal = _terminal(ws, argv, ws.env)
        try:
            return terminal.wait_for_prompt(prompt, timeout=60)
        finally:
            terminal.finish()

    def json_load() -> float:
        child = run_child([ws.python, "-c", f"import json; json.load(open({spec!r}, 'rb'))"],
                          env=ws.env, timeout=120)
        memory["json.load"].append(child.max_rss)
        return child.wall

    shell = [ws.explorer, *shell_args]
    blocking = [ws.python, "-c", BLOCKING_START, text, *shell_args]
    bare = [ws.python, "-c", BARE_PROMPT, text]
    times = interleave(
        {
            "prompt": lambda: first_prompt(shell),
            "bare": lambda: first_prompt(bare),
            "cold": lambda: usable(shell, cold_env, cold=True, peak="cold"),
            "blocking-cold": lambda: usable(blocking, cold_env, cold=True),
            "warm": lambda: usable(shell, ws.env, cold=False),
            "blocking-warm": lambda: usable(blocking, ws.env, cold=False),
            "json.load": json_load,
        },
        reps=settings.reps(REPS, 3),
        warmup=1,
    )
    reps = settings.reps(REPS, 3)
    memory = {k: v[-reps:] for k, v in memory.items()}
    rows = []
    ours, base = median(times["prompt"]), median(times["bare"])
    rows.append(Row(NAME, "first prompt, GitHub spec, warm (pty)", ours, floor=base,
                    floor_label="bare PromptSession", ratio=ours / base,
                    budget=f"<= {PROMPT_BUDGET:g}x", ok=ours / base <= PROMPT_BUDGET,
                    details={"samples": {k: times[k] for k in ("prompt", "bare")}}))
    for key, label in (("cold", "cold cache"), ("warm", "warm cache")):
        ours, base = median(times[key]), median(times["blocking-" + key])
        rows.append(Row(NAME, f"routes usable in the shell (completion answers), GitHub "
                              f"spec, {label}", ours, floor=base,
                        floor_label="blocking start", ratio=ours / base,
                        budget=f"<= {USABLE_BUDGET:g}x", ok=ours / base <= USABLE_BUDGET,
                        details={"samples": {k: times[k] for k in (key, "blocking-" + key)},
                                 "rounds": rounds(times[key], times["blocking-" + key])}))
    ours, base = median(memory["cold"]), median(memory["json.load"])
    rows.append(Row(NAME, "peak memory, cold start with the GitHub spec", ours, unit="B",
                    floor=base, floor_label="json.load of the spec", ratio=ours / base,
                    budget=f"<= {MEMORY_BUDGET:g}x", ok=ours / base <= MEMORY_BUDGET,
                    details={"samples": memory}))
    rows.append(_tab(ws, settings))
    return rows


def _tab(ws: Workspace, settings: Settings) -> Row:
    url = ws.api_url(TAB_ROUTES)
    ws.cache_routes(url)
    text = _prompt_text(url)
    prompt = re.compile(re.escape(text.rstrip()))
    children = synth.families(TAB_ROUTES)
    first = children and sorted(children)[0]

    def tab(argv: list[str]) -> float:
        terminal = _terminal(ws, argv, ws.env)
        try:
            terminal.wait_for_prompt(prompt, timeout=60)
            terminal.send(TAB_TYPED)
            terminal.wait_for(lambda out: first.encode() in out, timeout=60)
            return terminal.keystroke_to_quiet(b"\t")
        finally:
            terminal.finish(b"\x03\x04")

    shell = ws.explorer_argv(url)
    bare = [ws.python, "-c", BARE_TAB, text, *children]
    times = interleave({"explorer": lambda: tab(shell), "bare": lambda: tab(bare)},
                       reps=settings.reps(TAB_REPS, 3), warmup=1)
    ours, base = median(times["explorer"]), median(times["bare"])
    return Row(NAME, f"Tab at a {len(children)}-child listing (keystroke to quiet screen, pty)",
               ours, floor=base, floor_label="bare PromptSession, same menu",
               ratio=ours / base, budget=f"<= {TAB_BUDGET:g}x", ok=ours / base <= TAB_BUDGET,
               details={"samples": times, "rounds": rounds(times["explorer"], times["bare"])})
