"""The sandbox's route table, with the Express semantics that show on the wire.

Patterns use the Express 4 subset the seeds need: literal segments, ``:name`` and a
trailing optional ``:name?``.  Matching works on the raw path: literal segments match
case-insensitively and are not decoded (as Express's regex does); parameters are
percent-decoded strictly (malformed: 400).  One trailing slash is accepted; an empty
segment (``//``) matches nothing (404).  A path that matches with another method is a
405 listing the methods that would work in ``Allow``.

Routes can belong to a family of endpoints (``labware``) that exists only while it
is switched on; the table answers as if the route were not there otherwise.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import Any

from explorer.sandbox.wire import ApiError, percent_decode

#: whose credentials a route takes (its realm): LabOS's, Labstep's, or nobody's
LABOS, LABSTEP, PUBLIC = "labos", "labstep", "public"


@dataclass(frozen=True)
class Route:
    method: str
    pattern: str
    handler: Callable[..., Any]
    auth: str = LABOS
    #: listed by /discover
    discover: bool = True
    #: the endpoint family it belongs to (None: always there)
    family: str | None = None

    @property
    def segments(self) -> list[str]:
        return self.pattern.strip("/").split("/")

    def match(self, parts: list[str]) -> dict[str, str] | None:
        pattern = self.segments
        optional = pattern[-1].startswith(":") and pattern[-1].endswith("?")
        if len(parts) != len(pattern) and not (optional and len(parts) == len(pattern) - 1):
            return None
        params: dict[str, str] = {}
        pending: list[tuple[str, str]] = []
        for spec, raw in zip(pattern, parts, strict=False):
            if spec.startswith(":"):
                pending.append((spec[1:].rstrip("?"), raw))
            elif spec.lower() != raw.lower():
                return None
        for name, raw in pending:
            params[name] = percent_decode(raw, what="path")
        return params


def split_path(path: str) -> list[str] | None:
    """The raw segments of ``path``, or None when it can match nothing."""
    if not path.startswith("/"):
        return None
    if len(path) > 1 and path.endswith("/"):
        path = path[:-1]
    parts = path[1:].split("/")
    if any(not p for p in parts):
        return None
    return parts


class Router:
    """An ordered route table; the first route that fits wins (literal routes first)."""

    def __init__(self) -> None:
        self.routes: list[Route] = []

    def add(self, method: str, pattern: str, handler: Callable[..., Any], **options: Any) -> None:
        self.routes.append(Route(method.upper(), pattern, handler, **options))

    def candidates(
        self, path: str, *, families: Collection[str]
    ) -> list[tuple[Route, dict[str, str]]]:
        """Every live route whose pattern fits ``path``, with its decoded parameters."""
        parts = split_path(path)
        if parts is None:
            return []
        found = []
        for route in self.routes:
            if route.family is not None and route.family not in families:
                continue
            params = route.match(parts)
            if params is not None:
                found.append((route, params))
        return found

    def listed(self, *, families: Collection[str]) -> list[dict[str, str]]:
        """The ``/discover`` listing: live, listed routes, in table order."""
        return [
            {"method": r.method, "path": r.pattern}
            for r in self.routes
            if r.discover and (r.family is None or r.family in families)
        ]


def allowed(found: list[tuple[Route, dict[str, str]]]) -> list[str]:
    """The methods a path answers (``HEAD`` with ``GET``, and ``OPTIONS``)."""
    methods = {route.method for route, _ in found}
    if "GET" in methods:
        methods.add("HEAD")
    methods.add("OPTIONS")
    return sorted(methods)


def pick(found: list[tuple[Route, dict[str, str]]], method: str) -> tuple[Route, dict[str, str]]:
    """The route for ``method`` among ``found`` (``HEAD`` uses ``GET``), else 405."""
    wanted = "GET" if method == "HEAD" else method
    for route, params in found:
        if route.method == wanted:
            return route, params
    allow = ", ".join(allowed(found))
    raise ApiError(
        405,
        f"{method} is not allowed here",
        details=f"allowed: {allow}",
        headers={"Allow": allow},
    )
