"""LabOS list queries: parse the raw query string, then filter, sort, page and project.

Pure: no I/O, no HTTP; errors are :class:`~explorer.sandbox.wire.ApiError` (400).

The raw query is cut at ``&``; in each component the FIRST operator found in the raw
text decides what it is (``!=``, ``>=``, ``<=``, ``=``, ``>``, ``<``), so a component
with no ``=`` at all (``updatedAt>2023-05-01``) is a filter.  RFC 3986 allows no ``<``
or ``>`` in a query, so ``requests``, browsers and Postman send them percent-encoded
(``updatedAt%3E2023-05-01``, ``updatedAt%3C=2023-05-01``): ``%3C``, ``%3E`` and ``%21``
(followed by ``=`` or ``%3D``) are the same operators as ``<``, ``>`` and ``!``, found
in the same left-to-right scan.  An encoded ``=`` (``%3D``) alone is data, so
``name=a%3Db`` still asks for the name ``a=b``.  Keys and values are percent-decoded
only after the cut.  A component with no operator at all (``flag``) is a 400.

Reserved keys, only with ``=`` and at most once each:

* ``sort=name,-updatedAt``: keys in order, ``-`` for descending; ties keep creation order.
* ``limit=N``: at most N items; ``0`` means no limit (MongoDB's meaning).
* ``skip=N``: leave out the first N (past the end: an empty list).
* ``fields=name,actions.action``: keep only these (``id`` is always kept).

Every other key is a filter on a field path.  A dotted path reaches into objects and
across arrays (``actions.action=prime`` matches an instrument having ANY action named
prime; ``tags=robot`` matches any tag).  ``=`` and the orderings hold when any value
reached satisfies them; ``!=`` is the negation of ``=`` (so it matches a missing field).
Numbers compare numerically when the value given is a number; everything else,
dates included, compares as strings (ISO 8601 dates sort as strings).  ``true``,
``false`` and ``null`` match the JSON values.

``@Name`` is a reference by name: ``family=@LiquidHandler`` matches when the field
holds the id of an object named ``LiquidHandler`` (only with ``=`` and ``!=``); write
``@@x`` for the literal text ``@x``.

The first segment of every path (sort, fields, filters) must be a known field of the
collection, or the query is refused (400) naming the known fields.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from explorer.sandbox.wire import ApiError, percent_decode, raw_components

RESERVED = ("sort", "limit", "skip", "fields")
OPERATORS = ("!=", ">=", "<=", "=", ">", "<")
_NUMBER = re.compile(r"-?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?")


@dataclass(frozen=True)
class Filter:
    path: tuple[str, ...]
    op: str
    value: str
    #: ``@Name``: the name referred to (the value is then unused)
    ref: str | None = None


@dataclass(frozen=True)
class SortKey:
    path: tuple[str, ...]
    descending: bool = False


@dataclass
class ListQuery:
    sort: list[SortKey] = field(default_factory=list)
    limit: int | None = None
    skip: int = 0
    fields: list[tuple[str, ...]] | None = None
    filters: list[Filter] = field(default_factory=list)


_ENCODED = {"%3c": "<", "%3e": ">", "%21": "!"}


def _equals_at(component: str, i: int) -> int:
    """How long the ``=`` at ``component[i]`` is: 1 raw, 3 as ``%3D``, 0 if none."""
    if component[i : i + 1] == "=":
        return 1
    return 3 if component[i : i + 3].lower() == "%3d" else 0


def split_component(component: str) -> tuple[str, str, str] | None:
    """``(raw key, operator, raw value)`` for the first operator in ``component``; an
    operator may be percent-encoded (``%3E``, ``%3C=``, ``%21%3D``)."""
    i = 0
    while i < len(component):
        char = component[i]
        width = 1
        if char == "%":
            char = _ENCODED.get(component[i : i + 3].lower(), "%")
            width = 3
        if char in "<>":
            equals = _equals_at(component, i + width)
            op = char + "=" if equals else char
            return component[:i], op, component[i + width + equals :]
        if char == "!" and (equals := _equals_at(component, i + width)):
            return component[:i], "!=", component[i + width + equals :]
        if char == "=":
            return component[:i], "=", component[i + 1 :]
        i += width if char != "%" else 1
    return None


def _path(name: str, known: frozenset[str] | None, what: str) -> tuple[str, ...]:
    parts = tuple(name.split("."))
    if any(not p for p in parts):
        raise ApiError(400, f"bad field path {name!r} in {what}")
    if known is not None and parts[0] not in known:
        raise ApiError(
            400,
            f"unknown field {parts[0]!r} in {what}",
            details="known fields: " + ", ".join(sorted(known)),
        )
    return parts


def _count(name: str, value: str) -> int:
    if not value.isascii() or not value.isdigit() or len(value) > 12:
        raise ApiError(400, f"{name} must be a whole number >= 0, not {value!r}")
    return int(value)


def parse(query: str, *, known: Iterable[str] | None = None) -> ListQuery:
    """Parse a raw query string (without the ``?``); see the module docstring."""
    known_set = frozenset(known) if known is not None else None
    out = ListQuery()
    seen: set[str] = set()
    for component in raw_components(query):
        parts = split_component(component)
        if parts is None:
            name = percent_decode(component, plus_is_space=True)
            raise ApiError(
                400,
                f"query component {name!r} has no operator",
                details="a filter is field=value, field!=value, field>value, field<value, "
                "field>=value or field<=value",
            )
        raw_key, op, raw_value = parts
        key = percent_decode(raw_key, plus_is_space=True)
        value = percent_decode(raw_value, plus_is_space=True)
        if not key:
            raise ApiError(400, f"query component {component!r} has no name")
        if key in RESERVED:
            if op != "=":
                raise ApiError(400, f"{key} takes '=', not {op!r}")
            if key in seen:
                raise ApiError(400, f"{key} given twice")
            seen.add(key)
            _reserved(out, key, value, known_set)
            continue
        path = _path(key, known_set, "filter")
        ref = None
        if value.startswith("@@"):
            value = value[1:]
        elif value.startswith("@"):
            ref = value[1:]
            if op not in ("=", "!="):
                raise ApiError(400, f"a reference ({value}) only works with = and !=")
            if not ref:
                raise ApiError(400, f"filter {key}{op}@ names nothing")
        out.filters.append(Filter(path, op, value, ref))
    return out


def _reserved(out: ListQuery, key: str, value: str, known: frozenset[str] | None) -> None:
    if key == "limit":
        limit = _count("limit", value)
        out.limit = limit or None
    elif key == "skip":
        out.skip = _count("skip", value)
    elif key == "sort":
        names = [n.strip() for n in value.split(",")]
        if not value or any(not n or n == "-" for n in names):
            raise ApiError(400, f"sort needs field names separated by commas, not {value!r}")
        for name in names:
            descending = name.startswith("-")
            out.sort.append(SortKey(_path(name.lstrip("-"), known, "sort"), descending))
    elif key == "fields":
        names = [n.strip() for n in value.split(",")]
        if not value or any(not n for n in names):
            raise ApiError(400, f"fields needs names separated by commas, not {value!r}")
        out.fields = [_path(n, known, "fields") for n in names]


# ----------------------------------------------------------------------- applying


def values_at(doc: Any, path: tuple[str, ...]) -> list[Any]:
    """Every value reached by ``path``, crossing arrays; arrays at the end are opened."""
    current = [doc]
    for name in path:
        step = []
        for value in current:
            if isinstance(value, list):
                step.extend(v[name] for v in value if isinstance(v, dict) and name in v)
            elif isinstance(value, dict) and name in value:
                step.append(value[name])
        current = step
    out: list[Any] = []
    for value in current:
        if isinstance(value, list):
            out.extend(value)
        else:
            out.append(value)
    return out


def _text(value: Any) -> str:
    if isinstance(value, str):
        return value
    return json.dumps(value, separators=(",", ":"), sort_keys=True)


def _number(text: str) -> float | None:
    return float(text) if _NUMBER.fullmatch(text) else None


def _holds(value: Any, op: str, wanted: str) -> bool:
    number = _number(wanted)
    if isinstance(value, (int, float)) and not isinstance(value, bool) and number is not None:
        left: Any = value
        right: Any = number
    else:
        left, right = _text(value), wanted
    if op in ("=", "!="):
        return left == right
    if op == ">":
        return left > right
    if op == "<":
        return left < right
    if op == ">=":
        return left >= right
    return left <= right


def matches(doc: Any, flt: Filter, resolve: Callable[[str], set[str]] | None = None) -> bool:
    found = values_at(doc, flt.path)
    if flt.ref is not None:
        ids = resolve(flt.ref) if resolve else set()
        hit = any(isinstance(v, str) and v in ids for v in found)
    elif flt.op == "!=":
        hit = any(_holds(v, "=", flt.value) for v in found)
    else:
        return any(_holds(v, flt.op, flt.value) for v in found)
    return not hit if flt.op == "!=" else hit


def _sort_key(doc: Any, path: tuple[str, ...]) -> tuple[int, Any]:
    found = values_at(doc, path)
    if not found or found[0] is None:
        return (0, 0)
    value = found[0]
    if isinstance(value, bool):
        return (1, int(value))
    if isinstance(value, (int, float)):
        return (2, value)
    if isinstance(value, str):
        return (3, value)
    return (4, _text(value))


def project(doc: dict[str, Any], paths: list[tuple[str, ...]]) -> dict[str, Any]:
    """``doc`` reduced to ``paths`` (and ``id``); arrays are projected element-wise."""
    tree: dict[str, Any] = {"id": None}  # None: the whole value
    for path in paths:
        node = tree
        for name in path[:-1]:
            if name in node and node[name] is None:
                break  # the whole value is already wanted
            node = node.setdefault(name, {})
        else:
            node[path[-1]] = None
    return _project(doc, tree)


def _project(value: dict[str, Any], tree: dict[str, Any]) -> dict[str, Any]:
    out = {}
    for name, sub in tree.items():
        if name not in value:
            continue
        inner = value[name]
        if sub is None:
            out[name] = inner
        elif isinstance(inner, dict):
            out[name] = _project(inner, sub)
        elif isinstance(inner, list):
            out[name] = [_project(v, sub) for v in inner if isinstance(v, dict)]
    return out


def apply(
    query: ListQuery,
    docs: list[dict[str, Any]],
    *,
    resolve: Callable[[str], set[str]] | None = None,
) -> list[dict[str, Any]]:
    """Filter, sort, skip, limit and project ``docs`` (given in creation order)."""
    items = [d for d in docs if all(matches(d, f, resolve) for f in query.filters)]
    for key in reversed(query.sort):
        items.sort(key=lambda d, p=key.path: _sort_key(d, p), reverse=key.descending)
    items = items[query.skip :]
    if query.limit is not None:
        items = items[: query.limit]
    if query.fields is not None:
        items = [project(d, query.fields) for d in items]
    return items
