"""``explorer probe``: call every discovered GET route and print a status table.

List routes go first; a route with path parameters is called with ids taken from the
answer of the list route above it (``/instruments`` gives the id for
``/instruments/:id``, whose commands list gives the ``:cid``, and so on).  A route
whose parameters cannot be filled that way is reported as skipped.

Exit code: 3 when the server could not be reached or a route timed out, 5 when any
route answered 5xx or failed (a reset, a malformed answer), 0 otherwise (4xx answers
are reported, not failures: probing without the right permissions is still probing).
Only the first :data:`KEEP_BYTES` of a body are kept (to find an id in): a route that
sends 200 MB is timed to its end without holding it in memory.

With ``--check``, each answer whose route has spec data is validated against the
response schema the spec declares for its status (:func:`explorer.spec.check.check_answer`):
the table's CHECK column says ``ok``, ``N mismatches`` or ``-`` with why there was
nothing to check (``status 401 is not in the spec``), each mismatch follows the table
with its JSON path, and the exit code is 1
when any answer breaks its schema (3 and 5 still win).

At most ``--max N`` routes are probed (:data:`DEFAULT_MAX`; 0 for all of them): a
server listing 100,000 routes is not sent 100,000 requests unasked, and one warning
line says how many were left out.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass

from explorer.client.models import RequestSpec
from explorer.envelope import list_items
from explorer.errors import (
    EXIT_5XX,
    EXIT_OK,
    EXIT_OTHER,
    EXIT_UNREACHABLE,
    ExplorerError,
    RouteError,
    TransportError,
    UsageError,
)
from explorer.render.text import one_line
from explorer.routing.segments import Literal, Param

#: how much of each answer probe keeps to look for an id in
KEEP_BYTES = 1024 * 1024
#: how many GET routes probe calls unless ``--max`` says otherwise
DEFAULT_MAX = 300
#: the longest one probed request may take, whole (``--max-time`` overrides it): a server
#: that drips its answer cannot hang the probe
REQUEST_MAX_TIME = 30.0
USAGE = "usage: explorer [GLOBAL] probe [--max N] [--check]"


@dataclass
class Result:
    route: str
    path: str
    status: str
    ms: float | None
    failed: bool = False
    #: ``--check``: "ok", "N mismatches", "-" (nothing to check) or None (not asked)
    check: str | None = None
    mismatches: tuple[str, ...] = ()


def main(context, args: list[str]) -> int:
    check = "--check" in args
    limit = _parse_max([a for a in args if a != "--check"])
    if limit is None:
        print(USAGE)
        print(f"\n  --max N   probe at most N GET routes (default {DEFAULT_MAX}; 0: all of them)")
        print("  --check   check each answer against the response schema of the API description")
        return EXIT_OK
    registry = context.load_routes()
    total = len({id(e.route) for e in registry.entries if e.method == "GET"})
    results = probe(context.engine, registry, limit=limit or None, check=check)
    print(format_results(results))
    if check:
        for r in results:
            for mismatch in r.mismatches:
                print(one_line(f"{r.route}: {mismatch}"))
    if limit and total > limit:
        context.warn(
            f"probed {limit:,} of {total:,} GET routes; {total - limit:,} not probed "
            "(give --max N for more, --max 0 for all)"
        )
    if any(r.status in ("unreachable", "timed out") for r in results):
        return EXIT_UNREACHABLE
    if any(r.failed for r in results):
        return EXIT_5XX
    if any(r.mismatches for r in results):
        return EXIT_OTHER
    return EXIT_OK


def _parse_max(args: list[str]) -> int | None:
    """``--max N`` (0: no limit), the default without it, None for ``--help``."""
    limit = DEFAULT_MAX
    rest = list(args)
    while rest:
        arg = rest.pop(0)
        if arg in ("--help", "-h"):
            return None
        if arg == "--max" or arg.startswith("--max="):
            value = arg.partition("=")[2] if "=" in arg else (rest.pop(0) if rest else "")
            if not value.isdigit():
                raise UsageError(f"--max needs a number of routes, not {value!r} ({USAGE})")
            limit = int(value)
            continue
        raise UsageError(f"unexpected argument {arg!r} ({USAGE})")
    return limit


def probe(engine, registry, *, limit: int | None = None, check: bool = False) -> list[Result]:
    """Call the GET routes of ``registry`` (list routes first), each in every form
    (``/x/:id?`` as ``/x`` and ``/x/ID``); at most ``limit`` routes."""
    entries = [e for e in registry.entries if e.method == "GET"]
    # params, not pattern.param_names: sorting parses no pattern (100,000 routes cost seconds)
    entries.sort(key=lambda e: (len(e.params), e.route.path, e.command))
    if limit is not None:
        chosen: dict[int, None] = {}
        for entry in entries:
            if len(chosen) >= limit:
                break
            chosen.setdefault(id(entry.route))
        entries = [e for e in entries if id(e.route) in chosen]
    first_ids: dict[str, str | None] = {}
    results: list[Result] = []

    def first_id(path: str) -> str | None:
        if path not in first_ids:
            first_ids[path] = None
            try:
                response = engine.send(RequestSpec("GET", path, query=["limit=1"]),
                                       default_max_time=REQUEST_MAX_TIME)
                first_ids[path] = _first_id(_head_of(response))
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
            # the engine finds the route's spec (where its credential goes) from the path
            response = engine.send(RequestSpec("GET", path, route=route),
                                   default_max_time=REQUEST_MAX_TIME)
            body = _head_of(response)
        except TransportError as exc:
            if exc.unreachable:
                results.append(Result(route, path, "unreachable", None, failed=True))
                break
            status = "timed out" if exc.reason == "timeout" else f"error: {exc}"
            results.append(Result(route, path, status, None, failed=True))
            continue
        except ExplorerError as exc:
            results.append(Result(route, path, f"error: {exc}", None, failed=True))
            continue
        ms = (time.perf_counter() - started) * 1000
        status = f"{response.status} {response.reason}".strip()
        result = Result(route, path, status, ms, failed=response.status >= 500)
        if check:
            result.check, result.mismatches = _check(entry, response.status, body)
        results.append(result)
        if not entry.pattern.param_names or path not in first_ids:
            first_ids.setdefault(path, _first_id(body))
    return results


def _fill(entry, first_id) -> str | None:
    """A concrete path for ``entry``: each parameter is the first id listed by the
    path before it (``/instruments`` gives ``:id``, ``/instruments/ID/commands`` gives
    ``:cid``).  None when a segment cannot be filled that way (no id, or a segment
    more complex than one parameter)."""
    from explorer.engine import quote_path
    from explorer.routing import encode_component

    path = ""
    required = set(entry.required)
    for segment in entry.pattern.segments:
        if type(segment) is Literal:
            path += quote_path("/" + segment.text)
        elif type(segment) is Param and segment.name not in required:
            break  # an optional trailing part this entry does not take
        elif type(segment) is Param:
            value = first_id(path)
            if value is None:
                return None
            try:
                path += "/" + encode_component(value)
            except RouteError:  # an id with a lone surrogate: not a usable path
                return None
        else:
            return None
    return path or "/"


def _check(entry, status: int, body: bytes) -> tuple[str, tuple[str, ...]]:
    """The CHECK cell and the mismatches of one answer (see the module docstring)."""
    operation = entry.route.operation
    if operation is None:
        return "-", ()
    if len(body) >= KEEP_BYTES:
        return "not checked (over 1 MB)", ()
    try:
        data = json.loads(body) if body else None
    except (ValueError, UnicodeDecodeError, RecursionError):
        data = None
    from explorer.spec.check import check_answer

    found = check_answer(operation, status, data)
    if found.mismatches:
        count = len(found.mismatches)
        return f"{count} mismatch{'es' if count > 1 else ''}", tuple(
            m.describe() for m in found.mismatches)
    return ("ok" if found.checked else f"- ({found.note})" if found.note else "-"), ()


def _head_of(response) -> bytes:
    """The first :data:`KEEP_BYTES` of the body; the rest is read and dropped."""
    kept = bytearray()
    try:
        for chunk in response.iter_bytes():
            if len(kept) < KEEP_BYTES:
                kept += chunk[: KEEP_BYTES - len(kept)]
    finally:
        response.close()
    return bytes(kept)


def _first_id(body: bytes) -> str | None:
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return None
    items = list_items(data)
    if items is not None:
        for item in items:
            if isinstance(item, dict) and isinstance(item.get("id"), str | int):
                return str(item["id"])
    return None


def format_results(results: list[Result]) -> str:
    """The table; the server's words in it (paths, reason phrases, errors) are shown
    with their control characters escaped."""
    if not results:
        return "(no GET routes)"
    rows = [(one_line(r.route), one_line(r.path), one_line(r.status), r.ms, r.check)
            for r in results]
    rw = max(len(route) for route, *_ in rows)
    pw = min(60, max(len(path) for _, path, *_ in rows))
    checked = any(r.check is not None for r in results)
    lines = [f"{'ROUTE':<{rw}}  {'PATH':<{pw}}  {'STATUS':<24} {'MS':>7}"
             + ("  CHECK" if checked else "")]
    for route, path, status, ms, check in rows:
        shown = f"{ms:7.1f}" if ms is not None else f"{'-':>7}"
        line = f"{route:<{rw}}  {path[:pw]:<{pw}}  {status:<24} {shown}"
        if checked:
            line += f"  {one_line(check or '-')}"
        lines.append(line)
    return "\n".join(lines)
