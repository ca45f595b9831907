"""Replaying a recorded session of 1,000 GET exchanges against the sandbox.

The session is recorded first with explorer's own recorder (lists with sort, limit,
fields, and single objects).  ``explorer replay FILE`` sends every request and checks
every answer (status, shape, values).  Floor: a ``python -c`` loop over one
``requests.Session`` sending the same 1,000 requests and reading every body.  Both
are whole processes, timed interleaved.  Budget: >= 0.85x the loop's throughput.
"""

from __future__ import annotations

import json

from benchmarks.figures import Settings
from benchmarks.measure import interleave, median, rounds, run_child
from benchmarks.report import Row
from benchmarks.workspace import Workspace

NAME = "replay"
TITLE = "replay throughput"
EXCHANGES = 1_000
BUDGET = 0.85
REQUESTS_LOOP = """\
import json, sys
import requests
base, token, targets = sys.argv[1], sys.argv[2], json.load(open(sys.argv[3]))
with requests.Session() as s:
    s.headers["Authorization"] = "Bearer " + token
    for target in targets:
        r = s.get(base + target)
        r.content
        if r.status_code != 200:
            sys.exit(f"{target}: {r.status_code}")
"""


def run(ws: Workspace, settings: Settings) -> list[Row]:
    sandbox = ws.sandbox
    url, token = sandbox.url, sandbox.token
    ws.cache_routes(url, token=token)
    session = ws.dir / "replay-1000.jsonl"
    recorded = ws.worker("record", url=url, token=token, path=str(session), exchanges=EXCHANGES)
    targets = ws.dir / "replay-targets.json"
    targets.write_text(json.dumps(recorded["targets"]))
    explorer = ws.explorer_argv(url, "replay", str(session), token=token)
    floor = [ws.python, "-c", REQUESTS_LOOP, url, token, str(targets)]
    times = interleave(
        {
            "explorer": lambda: run_child(explorer, env=ws.env, timeout=300).wall,
            "requests": lambda: run_child(floor, env=ws.env, timeout=300).wall,
        },
        reps=settings.reps(9, 1),
        warmup=1,
    )
    ours, base = median(times["explorer"]), median(times["requests"])
    rate, base_rate = EXCHANGES / ours, EXCHANGES / base
    return [
        Row(
            NAME,
            "replay 1,000 GETs: throughput",
            rate,
            unit="/s",
            floor=base_rate,
            floor_label="requests.Session loop",
            ratio=rate / base_rate,
            budget=f">= {BUDGET:g}x",
            ok=rate / base_rate >= BUDGET,
            note="whole processes, start-up included",
            details={"samples": times,
                     "rounds": rounds(times["explorer"], times["requests"], throughput=True)},
        )
    ]
