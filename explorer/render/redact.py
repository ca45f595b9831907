"""Hiding secrets in what the renderer shows (``-v``).

Header values that carry credentials are replaced; the scheme of an
``Authorization`` header stays visible (``Bearer ***``) because it helps debugging.
Field values under secret-looking keys in an echoed request body are hidden at any
depth, and so are the values of secret query parameters in a request target
(``/x?token=***``).  Which names are secret: :func:`explorer.secrets.secret_name`.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from typing import Any
from urllib.parse import unquote_plus

from explorer.secrets import AUTH_HEADERS, MASK, secret_name


def redact_headers(
    headers: Mapping[str, str | None] | Iterable[tuple[str, str | None]],
    *,
    also: Collection[str] = (),
) -> list[tuple[str, str]]:
    """``(name, value)`` pairs with credentials masked; ``None`` values are left out.
    ``also``: more header names (lower-case) whose values are credentials (the ones
    the request's auth scheme set, whatever they are called)."""
    pairs = headers.items() if isinstance(headers, Mapping) else headers
    out: list[tuple[str, str]] = []
    for name, value in pairs:
        if value is None:
            continue
        if name.lower() in AUTH_HEADERS:
            scheme, space, rest = value.strip().partition(" ")
            value = f"{scheme} {MASK}" if space and rest else MASK
        elif secret_name(name) or name.lower() in also:
            value = MASK
        out.append((name, value))
    return out


def redact_target(target: str, also: frozenset[str] = frozenset()) -> str:
    """A request target with the values of its secret query parameters masked:
    ``/x?limit=1&access_token=abc`` -> ``/x?limit=1&access_token=***``; ``also``: more
    names to mask (those an auth scheme put its credential in, whatever they are)."""
    path, mark, query = target.partition("?")
    if not mark:
        return target
    query, hash_mark, fragment = query.partition("#")
    parts = []
    for component in query.split("&"):
        name, sep, value = component.partition("=")
        if sep and value and (secret_name(unquote_plus(name)) or unquote_plus(name) in also):
            component = f"{name}={MASK}"
        parts.append(component)
    return f"{path}?{'&'.join(parts)}{hash_mark}{fragment}"


def redact_body(data: Any) -> Any:
    """A copy of a JSON value with the values of secret-looking keys masked, at any
    depth (walked without recursion, so no body is nested too deeply for it); under a
    secret key holding an object or a list (``"credentials": {...}``) every string and
    number is masked."""
    root: list[Any] = [None]
    stack: list[tuple[Any, Any, Any, bool]] = [(data, root, 0, False)]
    while stack:
        node, parent, slot, hidden = stack.pop()
        if isinstance(node, dict):
            copy: dict[Any, Any] = {}
            parent[slot] = copy
            for key, value in node.items():
                copy[key] = None
                secret = hidden or (isinstance(key, str) and secret_name(key) is not None)
                stack.append((value, copy, key, secret))
        elif isinstance(node, list):
            items: list[Any] = [None] * len(node)
            parent[slot] = items
            stack.extend((value, items, i, hidden) for i, value in enumerate(node))
        else:
            parent[slot] = MASK if hidden and _scalar(node) else node
    return root[0]


def _scalar(value: Any) -> bool:
    """A value a secret can be: a string or a number (``"pass": true`` stays)."""
    return isinstance(value, str | int | float) and not isinstance(value, bool)
