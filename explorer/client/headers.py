"""Request headers, layered once: the one place that decides which header wins.

Layers, first to last (a later one wins over an earlier one, whatever the case each
name is typed in)::

    client defaults (User-Agent) < profile headers < auth < the shell's `headers` < items

A ``None`` value (an item typed as ``Name:``) removes the header, defaults included.
The result keeps the name as the winning layer spelled it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping


def layered(*layers: Mapping[str, str | None] | None) -> dict[str, str | None]:
    """``layers`` merged case-insensitively, later ones winning (see the module
    docstring)."""
    merged: dict[str, str | None] = {}
    names: dict[str, str] = {}  # lower-case -> the spelling in merged
    for layer in layers:
        for name, value in (layer or {}).items():
            low = name.lower()
            old = names.get(low)
            if old is not None and old != name:
                del merged[old]
            names[low] = name
            merged[name] = value
    return merged


def has(headers: Iterable[str], name: str) -> bool:
    """Whether ``headers`` (names) hold ``name``, whatever its case."""
    low = name.lower()
    return any(k.lower() == low for k in headers)


def present(headers: Mapping[str, str | None]) -> dict[str, str]:
    """``headers`` without the removed ones (``None`` values)."""
    return {k: v for k, v in headers.items() if v is not None}


class Headers(Mapping[str, str]):
    """A read-only mapping of header names to values that ignores case (what a
    :class:`~explorer.client.models.Response` built here holds)."""

    def __init__(self, headers: Mapping[str, str] | Iterable[tuple[str, str]] = ()) -> None:
        pairs = headers.items() if isinstance(headers, Mapping) else headers
        self._items: dict[str, tuple[str, str]] = {}
        for name, value in pairs:
            self._items[name.lower()] = (name, value)

    def __getitem__(self, name: str) -> str:
        return self._items[name.lower()][1]

    def __iter__(self) -> Iterator[str]:
        return (name for name, _ in self._items.values())

    def __len__(self) -> int:
        return len(self._items)

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name.lower() in self._items

    def __repr__(self) -> str:
        return f"Headers({dict(self.items())!r})"
