"""Loading a cached registry, and parsing + indexing a fresh ``/discover``, at 1k/10k/100k.

Budgets at 10,000 routes: load <= 30 ms, parse <= 300 ms.  At 100,000 the time must
grow linearly: <= 15x the 10,000-route time (10x is exactly linear; the margin covers
the garbage collector and caches, which grow with size).  The caches are written by
``explorer routes`` against the fixture server, as a user's first command would.
"""

from __future__ import annotations

from benchmarks.figures import Settings
from benchmarks.report import Row
from benchmarks.workspace import Workspace

NAME = "registry"
TITLE = "registry load and parse"
SIZES = (1_000, 10_000, 100_000)
LOAD_BUDGET = 0.030
PARSE_BUDGET = 0.300
GROWTH = 15.0


def run(ws: Workspace, settings: Settings) -> list[Row]:
    urls = {str(n): ws.api_url(n) for n in SIZES}
    for url in urls.values():
        ws.cache_routes(url)
    result = ws.worker("registry", urls=urls, reps=settings.reps(7, 3))
    for n in SIZES:
        got = result[str(n)]
        if got["entries"] < n or got["parsed_entries"] < n:
            raise ValueError(
                f"the registry of {n:,} routes has {got['entries']:,} entries from the cache "
                f"and {got['parsed_entries']:,} when parsed: it is not measuring what it should"
            )
    rows = []
    for what, budget in (("load", LOAD_BUDGET), ("parse", PARSE_BUDGET)):
        label = "load cached registry" if what == "load" else "parse + index /discover"
        for n in SIZES:
            r = result[str(n)]
            row = Row(
                NAME,
                f"{label}, {n:,} routes",
                r[what],
                details={k: v for k, v in r.items() if not k.endswith("samples")}
                | {"samples": r[f"{what}_samples"]},
            )
            if n == 10_000:
                row.budget = f"<= {budget * 1000:.0f} ms"
                row.ok = r[what] <= budget
            elif n == 100_000:
                base = result["10000"][what]
                row.ratio = r[what] / base
                row.budget = f"<= {GROWTH:g}x the 10k time"
                row.ok = row.ratio <= GROWTH
                row.note = "ratio: 100k / 10k (10x is linear)"
            rows.append(row)
    return rows
