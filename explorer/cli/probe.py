"""``explorer probe``: call every discovered GET route and print a status table.

List routes go first; a route with path parameters is called with ids taken from the
answer of the list route above it (``/instruments`` gives the id for
``/instruments/:id``, whose commands list gives the ``:cid``, and so on).  A route
whose parameters cannot be filled that way is reported as skipped.

Exit code: 3 when the server could not be reached, 5 when any route answered 5xx or
failed, 0 otherwise (4xx answers are reported, not failures: probing without the
right permissions is still probing).
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass

from explorer.client.models import RequestSpec
from explorer.errors import EXIT_5XX, EXIT_OK, EXIT_UNREACHABLE, ExplorerError, TransportError


@dataclass
class Result:
    route: str
    path: str
    status: str
    ms: float | None
    failed: bool = False


def main(context, args: list[str]) -> int:
    from explorer.errors import UsageError

    if args:
        raise UsageError("usage: explorer [GLOBAL] probe")
    registry = context.load_routes()
    results = probe(context.engine, registry)
    print(format_results(results))
    if any(r.status == "unreachable" for r in results):
        return EXIT_UNREACHABLE
    if any(r.failed for r in results):
        return EXIT_5XX
    return EXIT_OK


def probe(engine, registry) -> list[Result]:
    entries = [e for e in registry.entries if e.method == "GET"]
    entries.sort(key=lambda e: (len(e.pattern.param_names), e.route.path, e.command))
    first_ids: dict[str, str | None] = {}
    results: list[Result] = []

    def first_id(path: str) -> str | None:
        if path not in first_ids:
            first_ids[path] = None
            try:
                response = engine.send(RequestSpec("GET", path, query=["limit=1"]))
                first_ids[path] = _first_id(response.content)
            except ExplorerError:
                pass
        return first_ids[path]

    for entry in entries:
        route = f"GET {entry.route.path}"
        path = _fill(entry, first_id)
        if path is None:
            results.append(Result(route, "-", "skipped (no id to use)", None))
            continue
        started = time.perf_counter()
        try:
            response = engine.send(RequestSpec("GET", path, route=route))
            body = response.content
        except TransportError as exc:
            results.append(Result(route, path, "unreachable", None, failed=True))
            if "cannot reach" in str(exc):
                break
            continue
        except ExplorerError as exc:
            results.append(Result(route, path, f"error: {exc}", None, failed=True))
            continue
        ms = (time.perf_counter() - started) * 1000
        status = f"{response.status} {response.reason}".strip()
        results.append(Result(route, path, status, ms, failed=response.status >= 500))
        if not entry.pattern.param_names or path not in first_ids:
            first_ids.setdefault(path, _first_id(body))
    return results


def _fill(entry, first_id) -> str | None:
    """A concrete path for ``entry``, each parameter taken from the list route above it."""
    params: dict[str, str] = {}
    for name in entry.pattern.param_names:
        partial = dict(params)
        try:
            prefix = _prefix_before(entry, name, partial)
        except ExplorerError:
            return None
        if prefix is None:
            return None
        value = first_id(prefix)
        if value is None:
            return None
        params[name] = value
    try:
        return entry.pattern.build(params)
    except ExplorerError:
        return None


def _prefix_before(entry, name: str, params: dict[str, str]) -> str | None:
    """The concrete path up to (not including) the segment holding ``name``."""
    marker = "\x00explorer-probe\x00"
    try:
        built = entry.pattern.build({**params, name: marker, **_dummies(entry, params, name)})
    except ExplorerError:
        return None
    from urllib.parse import quote

    encoded = quote(marker, safe="")
    index = built.find(encoded)
    if index <= 0:
        return None
    return built[:index].rstrip("/") or None


def _dummies(entry, params: dict[str, str], name: str) -> dict[str, str]:
    names = list(entry.pattern.param_names)
    later = names[names.index(name) + 1 :]
    return {n: "x" for n in later if n not in params}


def _first_id(body: bytes) -> str | None:
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return None
    if isinstance(data, dict):
        data = data.get("data", data.get("items"))
    if isinstance(data, list):
        for item in data:
            if isinstance(item, dict) and isinstance(item.get("id"), str | int):
                return str(item["id"])
    return None


def format_results(results: list[Result]) -> str:
    if not results:
        return "(no GET routes)"
    rw = max(len(r.route) for r in results)
    pw = min(60, max(len(r.path) for r in results))
    lines = [f"{'ROUTE':<{rw}}  {'PATH':<{pw}}  {'STATUS':<24} {'MS':>7}"]
    for r in results:
        ms = f"{r.ms:7.1f}" if r.ms is not None else f"{'-':>7}"
        lines.append(f"{r.route:<{rw}}  {r.path[:pw]:<{pw}}  {r.status:<24} {ms}")
    return "\n".join(lines)
