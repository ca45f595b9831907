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
