"""Templating of ``{{name}}`` and ``{{last.data.0.id}}`` in what the user types.

Pure: no I/O.  A *scope* maps top-level names to values; a reference is a dotted path
into it, where a step is a dict key or a list index::

    >>> expand("/public/v1/instruments/{{last.data.0.id}}",
    ...        {"last": {"data": [{"id": "abc"}]}})
    '/public/v1/instruments/abc'

A string value is inserted as it is; anything else (numbers, booleans, objects) as
compact JSON, so ``count:={{n}}`` and ``{"ids": {{last.ids}}}`` work.  An unknown name
or a path that leads nowhere raises :class:`~explorer.errors.UsageError` naming it.
``{{`` with no closing ``}}`` is left alone.

Request items keep a value's JSON type (:func:`expand_items`): in a body, the item
``protocol_id={{pid}}`` whose whole value is one reference to a number, boolean,
null, object or list is sent as that JSON value (as ``protocol_id:=7``);
``name={{pid}}-a`` stays a string, and so does every value of a query parameter::

    >>> expand_items(["protocol_id={{pid}}", "name=Run {{pid}}"], {"pid": 7}, body=True)
    ['protocol_id:=7', 'name=Run 7']
"""

from __future__ import annotations

import json
import re
from collections import deque
from collections.abc import Iterator, Mapping
from typing import Any

from explorer.errors import UsageError

#: ``{{ name.path }}``: spaces around the reference are allowed
TEMPLATE = re.compile(r"\{\{\s*([^{}\s]+)\s*\}\}")
#: a valid variable name for ``set NAME=VALUE``
NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*\Z")

_MISSING = object()


def lookup(scope: Mapping[str, Any], reference: str) -> Any:
    """The value ``reference`` (``last.data.0.id``) names in ``scope``."""
    head, *steps = reference.split(".")
    if head not in scope:
        known = ", ".join(sorted(scope)) or "none set"
        raise UsageError(f"unknown variable {head!r} in {{{{{reference}}}}} (known: {known})")
    value = scope[head]
    walked = head
    for step in steps:
        found = _step(value, step)
        if found is _MISSING:
            raise UsageError(f"{{{{{reference}}}}}: {walked} has no {step!r}")
        value = found
        walked = f"{walked}.{step}"
    return value


def _step(value: Any, step: str) -> Any:
    if isinstance(value, Mapping):
        return value.get(step, _MISSING)
    if isinstance(value, list):
        try:
            index = int(step)
        except ValueError:
            return _MISSING
        if -len(value) <= index < len(value):
            return value[index]
    return _MISSING


def as_text(value: Any) -> str:
    """How a value is inserted into text: strings verbatim, the rest as JSON."""
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def expand(text: str, scope: Mapping[str, Any]) -> str:
    """``text`` with every ``{{reference}}`` replaced by its value."""
    if "{{" not in text:
        return text
    return TEMPLATE.sub(lambda m: as_text(lookup(scope, m.group(1))), text)


def whole_reference(text: str) -> str | None:
    """The reference when ``text`` is exactly one ``{{reference}}``, else None."""
    found = TEMPLATE.fullmatch(text)
    return found.group(1) if found else None


def expand_items(items: list[str], scope: Mapping[str, Any], *, body: bool) -> list[str]:
    """Request items (or other words) with their references expanded.

    With ``body`` (the items make a JSON body: a POST, PUT or PATCH), a ``name=VALUE``
    item whose whole VALUE is one reference to a non-string value becomes
    ``name:=JSON``, so the value keeps its type.  Not with a file item on the line:
    a multipart body has no JSON fields.  Words that are not items are just expanded.
    """
    if not body or not any("{{" in item for item in items):
        return [expand(item, scope) for item in items]
    from explorer.items.syntax import SEP_DATA, SEP_JSON, Kind, split_item

    splits: list[Any] = []
    for item in items:
        try:
            splits.append(split_item(item).item)
        except UsageError:
            splits.append(None)  # an argument, or a typo the request reports
    if any(s is not None and s.kind is Kind.FILE for s in splits):
        return [expand(item, scope) for item in items]
    out = []
    for text, item in zip(items, splits, strict=True):
        reference = whole_reference(item.value) if item is not None else None
        if reference is None or item.sep != SEP_DATA:
            out.append(expand(text, scope))
            continue
        value = lookup(scope, reference)
        if isinstance(value, str):
            out.append(expand(text, scope))
            continue
        key = text[: item.value_column - len(SEP_DATA)]  # as typed, escapes kept
        out.append(expand(key, scope) + SEP_JSON + json.dumps(value, ensure_ascii=False))
    return out


def paths(
    value: Any, *, prefix: str, limit: int = 200, depth: int = 4
) -> Iterator[tuple[str, Any]]:
    """``(reference, value)`` pairs for the dotted references into ``value`` (for
    completion), breadth-first, at most ``limit``.

    Lists contribute their first two indexes, so ``last.data.0.id`` is offered without
    listing every element.
    """
    queue: deque[tuple[str, Any, int]] = deque([(prefix, value, 0)])
    emitted = 0
    while queue and emitted < limit:
        base, current, level = queue.popleft()
        if level >= depth:
            continue
        if isinstance(current, Mapping):
            children = [(str(k), v) for k, v in current.items()]
        elif isinstance(current, list):
            children = [(str(i), v) for i, v in enumerate(current[:2])]
        else:
            continue
        for key, child in children:
            if "." in key or not key:
                continue
            ref = f"{base}.{key}"
            yield ref, child
            emitted += 1
            if emitted >= limit:
                return
            queue.append((ref, child, level + 1))
