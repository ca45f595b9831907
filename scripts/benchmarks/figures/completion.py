"""Completion latency per keystroke: the shell's completer driven directly.

Ten scripted lines (paths with ids, query keys and values, generated commands, body
fields, ``routes``) are typed one character at a time; every prefix asks the
completer for all its candidates, as prompt_toolkit does while typing.  The learned
store holds 100,000 ids (20,000 in each of five lists).

Budget: p99 <= 5 ms with 10,000 routes; flat from 100 to 100,000 routes, which we
take as p99 at 100,000 routes <= 2x p99 at 100 routes.
"""

from __future__ import annotations

from benchmarks.figures import Settings
from benchmarks.report import Row
from benchmarks.workspace import Workspace

NAME = "completion"
TITLE = "completion latency"
SIZES = (100, 1_000, 10_000, 100_000)
IDS = 100_000
P99_BUDGET = 0.005
FLAT = 2.0


def run(ws: Workspace, settings: Settings) -> list[Row]:
    urls = {str(n): ws.api_url(n) for n in SIZES}
    for url in urls.values():
        ws.cache_routes(url)
    result = ws.worker("completion", urls=urls, ids=IDS, reps=settings.reps(5, 2))
    for n in SIZES:
        got = result[str(n)]
        if got["entries"] < n or not got["candidates"]:
            raise ValueError(
                f"{n:,} routes: the completer saw {got['entries']:,} entries and offered "
                f"{got['candidates']:,} candidates: it is not measuring what it should"
            )
    rows = []
    main = result["10000"]
    rows.append(
        Row(
            NAME,
            "completion p99, 10,000 routes + 100,000 ids",
            main["p99"],
            budget="<= 5 ms",
            ok=main["p99"] <= P99_BUDGET,
            note=f"p50 {main['p50'] * 1000:.2f} ms, max {main['max'] * 1000:.1f} ms, "
            f"{main['keystrokes']} keystrokes",
            details=main,
        )
    )
    for n in SIZES:
        r = result[str(n)]
        row = Row(
            NAME,
            f"completion p99, {n:,} routes",
            r["p99"],
            note=f"p50 {r['p50'] * 1000:.2f} ms",
            details=r,
        )
        if n == SIZES[-1]:
            base = result[str(SIZES[0])]["p99"]
            row.ratio = r["p99"] / base
            row.budget = f"flat: <= {FLAT:g}x the 100-route p99"
            row.ok = row.ratio <= FLAT
        rows.append(row)
    return rows
