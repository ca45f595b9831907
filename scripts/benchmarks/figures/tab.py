"""One Tab in bash with ``explorer completion bash`` loaded: the query the script runs.

Each Tab runs ``explorer completion --query bash -- LINE WORD``, a new process that
reads the config and the discovery cache (never the network) and prints the
candidates.  Measured for the next word of a generated command with the sandbox's
routes cached, and with the fixture server's 10,000 routes cached.  Floor: a bare
``python -c pass`` in the same run: what any Python program pays before its first line.
Budget: <= 3x the floor for the sandbox's routes (about 50-60 ms on a quiet machine of
this kind: a Tab that answers within a tenth of a second feels instant); the
10,000-route figure is reported.
"""

from __future__ import annotations

import subprocess

from benchmarks.figures import Settings
from benchmarks.measure import interleave, median, run_child
from benchmarks.report import Row
from benchmarks.workspace import Workspace

NAME = "tab"
TITLE = "shell completion of one-shot commands (one Tab)"
BUDGET = 3.0
ROUTES = 10_000


def run(ws: Workspace, settings: Settings) -> list[Row]:
    sandbox = ws.sandbox
    ws.cache_routes(sandbox.url, token=sandbox.token)
    big = ws.api_url(ROUTES)
    ws.cache_routes(big)
    env = ws.env

    def query(url: str, words: str) -> list[str]:
        line = f"explorer --url {url} {words}"
        return [ws.explorer, "completion", "--query", "bash", "--", line, ""]

    small = query(sandbox.url, "instruments ")
    large = query(big, "")
    for argv in (small, large):  # the candidates must be there, or the figure means nothing
        found = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=60)
        if len(found.stdout.splitlines()) < 3:
            raise RuntimeError(f"completion answered nothing: {argv} -> {found.stdout!r}")
    times = interleave(
        {
            "sandbox": lambda: run_child(small, env=env).wall,
            "large": lambda: run_child(large, env=env).wall,
            "python": lambda: run_child([ws.python, "-c", "pass"], env=env).wall,
        },
        reps=settings.reps(21, 5),
        warmup=2,
    )
    bare = median(times["python"])
    rows = []
    for key, label in (("sandbox", "sandbox's routes"), ("large", f"{ROUTES:,} routes")):
        ours = median(times[key])
        budgeted = key == "sandbox"  # the 10,000-route figure is reported
        rows.append(
            Row(
                NAME,
                f"Tab on a one-shot command line, {label} cached",
                ours,
                floor=bare,
                floor_label="python -c pass",
                ratio=ours / bare,
                budget=f"<= {BUDGET:g}x" if budgeted else "report",
                ok=ours / bare <= BUDGET if budgeted else None,
                details={"samples": times[key]},
            )
        )
    return rows
