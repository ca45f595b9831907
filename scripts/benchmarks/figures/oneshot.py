"""One-shot ``explorer call GET PATH`` against the sandbox, with the discovery cached.

Floor: a ``python -c`` script doing the same GET with requests and writing the body to
stdout, as explorer does when piped.  curl is reported too (when installed): it shows
what the interpreter itself costs.  All three run interleaved, output to /dev/null.
Budget: <= 1.15x the requests script.
"""

from __future__ import annotations

import shutil

from benchmarks.figures import Settings
from benchmarks.measure import interleave, median, run_child
from benchmarks.report import Row
from benchmarks.workspace import Workspace

NAME = "oneshot"
TITLE = "one-shot call"
PATH = "/public/v1/instruments"
BUDGET = 1.15
REQUESTS_GET = """\
import sys
import requests
r = requests.get(sys.argv[1], headers={"Authorization": "Bearer " + sys.argv[2]})
sys.stdout.buffer.write(r.content)
sys.exit(0 if r.ok else 4)
"""


def run(ws: Workspace, settings: Settings) -> list[Row]:
    sandbox = ws.sandbox
    url, token = sandbox.url, sandbox.token
    ws.cache_routes(url, token=token)
    env = ws.env
    explorer = ws.explorer_argv(url, "call", "GET", PATH, token=token)
    floor = [ws.python, "-c", REQUESTS_GET, url + PATH, token]
    variants = {
        "explorer": lambda: run_child(explorer, env=env).wall,
        "requests": lambda: run_child(floor, env=env).wall,
    }
    curl = shutil.which("curl")
    if curl:
        argv = [curl, "-sf", "-o", "/dev/null", "-H", f"Authorization: Bearer {token}", url + PATH]
        variants["curl"] = lambda: run_child(argv, env=env).wall
    times = interleave(variants, reps=settings.reps(31, 5), warmup=2)
    ours, base = median(times["explorer"]), median(times["requests"])
    rows = [
        Row(
            NAME,
            "one-shot call GET (cached discovery)",
            ours,
            floor=base,
            floor_label="requests script",
            ratio=ours / base,
            budget=f"<= {BUDGET:g}x",
            ok=ours / base <= BUDGET,
            details={"samples": times},
        )
    ]
    if curl:
        rows.append(
            Row(
                NAME,
                "one-shot GET with curl (reference)",
                median(times["curl"]),
                note=f"explorer / curl = {ours / median(times['curl']):.1f}x",
            )
        )
    return rows
