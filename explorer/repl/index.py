"""The generated commands, by their words, for the suggester and the completer.

A lazy view over the registry: the words of every command name come from
``registry.command_names()`` (plain strings, no route pattern is parsed), and a command's
shape (method, pattern, positional parameters) is looked up only when a line names it,
then remembered.  So building an index costs nothing at start-up, even with 10,000
routes.  A shape lets ``instruments commands kill ID CID`` become the concrete path
``/public/v1/instruments/ID/commands/CID/kill`` while it is being typed.
"""

from __future__ import annotations

import bisect
import re
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from explorer.errors import ExplorerError

_PARAM = re.compile(r":([A-Za-z_$][\w$]*)\??\Z")
_GROUP = re.compile(r"\{/:([A-Za-z_$][\w$]*)\}")


@dataclass(frozen=True)
class CommandShape:
    words: tuple[str, ...]
    method: str
    #: the route pattern of this command's shape (``/public/v1/instruments/:id``)
    path: str
    params: tuple[str, ...]
    summary: str = ""

    @property
    def name(self) -> str:
        return " ".join(self.words)

    def fill(self, values: Sequence[str], *, upto: int | None = None) -> str | None:
        """The concrete path with ``values`` in the first parameters.

        With ``upto=k`` the path stops before parameter ``k`` (the collection that
        parameter's values come from).  None when the pattern is not a plain
        ``/literal/:param`` shape.
        """
        out: list[str] = []
        index = 0
        for segment in _GROUP.sub(r"/:\1?", self.path).split("/")[1:]:
            m = _PARAM.match(segment)
            if m is None:
                if any(ch in segment for ch in ":*(){}"):
                    return None
                out.append(segment)
                continue
            if upto is not None and index == upto:
                return "/" + "/".join(out)
            if index < len(values):
                out.append(values[index])
            elif not segment.endswith("?"):
                out.append(segment)
            index += 1
        if upto is not None:
            return None
        return "/" + "/".join(out)


def shape_of(entry) -> CommandShape:
    """A registry entry's shape; its pattern text is used as written (nothing parsed)."""
    return CommandShape(
        tuple(entry.command),
        entry.method,
        entry.route.path,
        tuple(entry.params),
        entry.route.summary or "",
    )


class CommandIndex:
    """Command names by words; shapes on demand (see the module docstring)."""

    def __init__(self, registry=None, shapes: Iterable[CommandShape] = ()) -> None:
        self._registry = registry
        self._shapes: dict[tuple[str, ...], CommandShape | None] = {s.words: s for s in shapes}
        self._names: frozenset[tuple[str, ...]] | None = None
        self._following: dict[tuple[str, ...], list[str]] | None = None
        self._lock = threading.Lock()

    @classmethod
    def from_registry(cls, registry) -> CommandIndex:
        return cls(registry)

    @classmethod
    def from_shapes(cls, shapes: Iterable[CommandShape]) -> CommandIndex:
        return cls(None, shapes)

    # -- names -------------------------------------------------------------------------

    def _build(self) -> None:
        with self._lock:
            if self._names is not None:
                return
            if self._registry is not None:
                names = {tuple(name.split()) for name in self._registry.command_names()}
            else:
                names = set(self._shapes)
            following: dict[tuple[str, ...], set[str]] = {}
            for words in names:
                for i in range(len(words)):
                    following.setdefault(words[:i], set()).add(words[i])
            self._following = {k: sorted(v) for k, v in following.items()}
            self._names = frozenset(names)

    @property
    def names(self) -> frozenset[tuple[str, ...]]:
        if self._names is None:
            self._build()
        return self._names or frozenset()

    def has_following(self, words: Sequence[str]) -> bool:
        if self._following is None:
            self._build()
        return tuple(words) in (self._following or {})

    def next_words(
        self, words: Sequence[str], prefix: str = "", *, limit: int = 100
    ) -> dict[str, str]:
        """The words that may follow ``words`` (starting with ``prefix``), sorted, at
        most ``limit``, each with a description (the route of a complete command)."""
        if self._following is None:
            self._build()
        candidates = (self._following or {}).get(tuple(words), [])
        out: dict[str, str] = {}
        i = bisect.bisect_left(candidates, prefix)
        while i < len(candidates) and len(out) < limit and candidates[i].startswith(prefix):
            word = candidates[i]
            full = (*words, word)
            shape = self.shape(full) if full in self.names else None
            out[word] = f"{shape.method} {shape.path}" if shape else "command group"
            i += 1
        return out

    # -- shapes ------------------------------------------------------------------------

    def shape(self, words: tuple[str, ...]) -> CommandShape | None:
        if words in self._shapes:
            return self._shapes[words]
        shape = None
        if self._registry is not None and words in self.names:
            try:
                entry, rest = self._registry.lookup_command(list(words))
                if not rest:
                    shape = shape_of(entry)
            except (ExplorerError, ValueError):
                shape = None
        self._shapes[words] = shape
        return shape

    def longest(self, words: Sequence[str]) -> tuple[CommandShape, int] | None:
        """The longest command that ``words`` starts with, and how many words it uses."""
        names = self.names
        for k in range(len(words), 0, -1):
            key = tuple(words[:k])
            if key in names or key in self._shapes:
                shape = self.shape(key)
                if shape is not None:
                    return shape, k
        return None
