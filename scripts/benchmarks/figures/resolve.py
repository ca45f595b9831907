"""Resolving concrete paths against a registry of 10,000 routes: >= 100,000 paths/s.

The paths are drawn from the routes themselves, parameters filled with ids and
optional parameters sometimes left out, every method included, so each lookup is a
real match (the hit count is reported to prove it).
"""

from __future__ import annotations

from benchmarks.figures import Settings
from benchmarks.report import Row
from benchmarks.workspace import Workspace

NAME = "resolve"
TITLE = "resolve throughput"
ROUTES = 10_000
BUDGET = 100_000


def run(ws: Workspace, settings: Settings) -> list[Row]:
    url = ws.api_url(ROUTES)
    ws.cache_routes(url)
    paths = settings.reps(20_000, 5_000)
    r = ws.worker("resolve", url=url, routes=ROUTES, paths=paths, reps=settings.reps(7, 3))
    if r["hits"] < r["paths"]:
        raise ValueError(f"only {r['hits']} of {r['paths']} paths resolved to a route")
    return [
        Row(
            NAME,
            f"resolve concrete paths, {ROUTES:,} routes",
            r["rate"],
            unit="/s",
            budget=f">= {BUDGET:,}/s",
            ok=r["rate"] >= BUDGET,
            note=f"{r['hits']} of {r['paths']} paths matched a route",
            details=r,
        )
    ]
