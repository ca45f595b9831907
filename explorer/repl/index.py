"""The generated commands, by their words, for the suggester and the completer.

A view over the registry, which indexes command words once (its word tree:
:meth:`Registry.commands_starting` and :meth:`Registry.find_command`): nothing here
keeps a second copy of the names or parses a pattern itself.  A command's shape
(method, pattern, positional parameters) is made when a line names it, from the
registry's index row (:meth:`Registry.command_outline`: no route built, no spec data
read), then remembered; its parsed pattern (:attr:`Entry.pattern`) is asked for when
a line fills it in.
So building an index costs nothing at start-up, even with 10,000 routes.  A shape
lets ``instruments commands kill ID CID`` become the concrete path
``/public/v1/instruments/ID/commands/CID/kill`` while it is being typed.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from explorer.errors import ExplorerError
from explorer.record import Frozen, setfield
from explorer.routing import Literal, Param


class CommandShape(Frozen):
    """A command's words, method, route pattern (``/public/v1/instruments/:id``),
    positional parameters and summary; ``segments`` are the parsed pattern's that the
    command serves (the registry's parse of it: not compared, not shown), given as
    they are or as a function that parses them when they are first asked for (a
    completion that only names the command never parses its pattern)."""

    __slots__ = ("_segments", "method", "params", "path", "summary", "words")
    _fields = ("words", "method", "path", "params", "summary")
    _extra = ("segments",)

    def __init__(
        self,
        words: tuple[str, ...],
        method: str,
        path: str,
        params: tuple[str, ...],
        summary: str = "",
        segments: tuple[Any, ...] | Callable[[], tuple[Any, ...]] = (),
    ) -> None:
        setfield(self, "words", words)
        setfield(self, "method", method)
        setfield(self, "path", path)
        setfield(self, "params", params)
        setfield(self, "summary", summary)
        setfield(self, "_segments", segments)

    @property
    def segments(self) -> tuple[Any, ...]:
        segments = self._segments
        if callable(segments):
            segments = tuple(segments())
            setfield(self, "_segments", segments)
        return segments

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
        for segment in self.segments:
            kind = type(segment)
            if kind is Literal:
                out.append(segment.text)
                continue
            if kind is not Param:
                return None
            if upto is not None and index == upto:
                return "/" + "/".join(out)
            if index < len(values):
                out.append(values[index])
            elif not segment.optional:
                out.append(":" + segment.name)
            index += 1
        if upto is not None:
            return None
        return "/" + "/".join(out)


class CommandIndex:
    """Command names by words, from the registry; shapes on demand (see the module
    docstring)."""

    def __init__(self, registry=None) -> None:
        self._registry = registry
        self._shapes: dict[str, CommandShape | None] = {}
        self._lock = threading.Lock()

    @classmethod
    def from_registry(cls, registry) -> CommandIndex:
        return cls(registry)

    @classmethod
    def from_shapes(cls, shapes: Iterable[CommandShape]) -> CommandIndex:
        """An index of hand-made commands (for tests): a registry of routes named so."""
        from explorer.registry import Registry, Route

        return cls(Registry([
            Route(s.method, s.path, command=s.name, summary=s.summary or None) for s in shapes
        ]))

    # -- names -------------------------------------------------------------------------

    def first_name(self) -> tuple[str, ...] | None:
        """The first command name in order (to warm the index with), or None."""
        if self._registry is None:
            return None
        names = self._registry.command_names()
        return tuple(names[0].split(" ")) if names else None

    def has_following(self, words: Sequence[str]) -> bool:
        """True when some command name goes on after ``words``."""
        return self._registry is not None and bool(self._registry.commands_starting(words))

    def next_words(
        self, words: Sequence[str], prefix: str = "", *, limit: int = 100
    ) -> dict[str, str]:
        """The words that may follow ``words`` (starting with ``prefix``), sorted, at
        most ``limit``, each with a description (the route of a complete command)."""
        if self._registry is None:
            return {}
        out: dict[str, str] = {}
        for word in self._registry.commands_starting(words, prefix, limit=limit):
            shape = self.shape((*words, word))
            out[word] = f"{shape.method} {shape.path}" if shape else "command group"
        return out

    # -- shapes ------------------------------------------------------------------------

    def shape(self, words: Sequence[str]) -> CommandShape | None:
        """The shape of the command named exactly ``words`` (None: no such command)."""
        key = " ".join(words).lower()
        if key in self._shapes:
            return self._shapes[key]
        shape = None
        if self._registry is not None:
            try:
                found = self._registry.command_outline(list(words))
            except (ExplorerError, ValueError):
                found = None
            if found is not None:
                words_, method, path, params, summary, entry = found
                shape = CommandShape(words_, method, path, params, summary,
                                     lambda: entry().pattern.segments)
        with self._lock:
            self._shapes[key] = shape
        return shape

    def longest(self, words: Sequence[str]) -> tuple[CommandShape, int] | None:
        """The longest command that ``words`` starts with, and how many words it uses."""
        if self._registry is None:
            return None
        try:
            found = self._registry.find_command(list(words))
        except (ExplorerError, ValueError):
            return None
        if found is None:
            return None
        used = len(words) - len(found[1])
        shape = self.shape(words[:used])
        return (shape, used) if shape is not None else None
