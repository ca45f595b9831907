"""``explorer routes [--json] [--refresh] [FILTER]``: what the server offers."""

from __future__ import annotations

import json

from explorer.errors import UsageError
from explorer.render.text import one_line

USAGE = "usage: explorer [GLOBAL] routes [--json] [--refresh] [FILTER]"


HELP = f"""{USAGE}

A table of every discovered route: method, pattern and the generated command name.

  FILTER     only rows whose pattern or command contains FILTER
  --json     a list of {{"method", "path", "command"}} objects instead
  --refresh  fetch the routes again and print what was added and removed"""


def main(context, args: list[str]) -> int:
    if "--help" in args or "-h" in args:
        print(HELP)
        return 0
    as_json = "--json" in args
    refresh = "--refresh" in args
    rest = [a for a in args if a not in ("--json", "--refresh")]
    if any(a.startswith("-") for a in rest) or len(rest) > 1:
        raise UsageError(f"unexpected arguments {' '.join(rest)} ({USAGE})")
    if refresh:  # compared with the cache as it is: one fetch, even on a cold cache
        change = context.discovery.refresh()
        out = context.stderr if as_json else None
        if change:
            for line in change.lines():
                print(one_line(line), file=out)
        else:
            print("routes unchanged", file=out)
    else:
        context.load_routes()
    rows = route_rows(context.discovery.registry, rest[0] if rest else None)
    if as_json:
        print(json.dumps(rows, indent=2))
        return 0
    print(format_routes(rows))
    return 0


def route_rows(registry, needle: str | None = None) -> list[dict[str, str]]:
    rows = [
        {"method": e.method, "path": e.route.path, "command": " ".join(e.command)}
        for e in registry.entries
    ]
    if needle:
        low = needle.lower()
        rows = [r for r in rows if low in r["path"].lower() or low in r["command"].lower()]
    return rows


def format_routes(rows: list[dict[str, str]]) -> str:
    """The table; paths and command names come from the server: shown escaped."""
    if not rows:
        return "(no routes)"
    shown = [(one_line(r["method"]), one_line(r["path"]), one_line(r["command"])) for r in rows]
    width = max(len(path) for _, path, _ in shown)
    return "\n".join(f"{method:<7} {path:<{width}}  {command}" for method, path, command in shown)
