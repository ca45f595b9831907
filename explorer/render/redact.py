"""Hiding secrets in what the renderer shows.

Header values that carry credentials are replaced; the scheme of an
``Authorization`` header stays visible (``Bearer ***``) because it helps debugging.
Field values under secret-looking keys in an echoed request body are hidden too.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from explorer.secrets import AUTH_HEADERS, SECRET_HEADERS, secret_field

MASK = "***"


def redact_headers(
    headers: Mapping[str, str | None] | Iterable[tuple[str, str | None]],
) -> list[tuple[str, str]]:
    """``(name, value)`` pairs with credentials masked; ``None`` values are left out."""
    pairs = headers.items() if isinstance(headers, Mapping) else headers
    out: list[tuple[str, str]] = []
    for name, value in pairs:
        if value is None:
            continue
        lower = name.lower()
        if lower in AUTH_HEADERS:
            scheme, space, rest = value.strip().partition(" ")
            value = f"{scheme} {MASK}" if space and rest else MASK
        elif lower in SECRET_HEADERS:
            value = MASK
        out.append((name, value))
    return out


def redact_body(data: Any) -> Any:
    """A copy of a JSON value with the values of secret-looking keys masked."""
    if isinstance(data, dict):
        return {
            k: MASK if isinstance(k, str) and secret_field(k) else redact_body(v)
            for k, v in data.items()
        }
    if isinstance(data, list):
        return [redact_body(v) for v in data]
    return data
