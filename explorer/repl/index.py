"""The generated commands, indexed by their words, for the suggester and the completer.

Built once per registry (when the shell starts and whenever discovery swaps in new
routes), never per keystroke.  Each command knows its method, its path pattern and the
path parameters it takes positionally, so ``instruments commands kill ID CID`` can be
turned into the concrete path ``/public/v1/instruments/ID/commands/CID/kill`` while it is
being typed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

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


@dataclass
class CommandIndex:
    commands: dict[tuple[str, ...], CommandShape] = field(default_factory=dict)
    #: words typed so far -> {next word: description}
    following: dict[tuple[str, ...], dict[str, str]] = field(default_factory=dict)

    @classmethod
    def from_registry(cls, registry) -> CommandIndex:
        if registry is None:
            return cls()
        return cls.from_shapes(
            CommandShape(
                tuple(entry.command),
                entry.method,
                getattr(entry.pattern, "text", entry.route.path),
                tuple(entry.pattern.param_names),
                entry.route.summary or "",
            )
            for entry in registry.entries
            if entry.command
        )

    @classmethod
    def from_shapes(cls, shapes: Iterable[CommandShape]) -> CommandIndex:
        index = cls()
        for shape in shapes:
            words = shape.words
            if words in index.commands:
                continue
            index.commands[words] = shape
            for i in range(len(words)):
                nexts = index.following.setdefault(words[:i], {})
                if i == len(words) - 1:
                    nexts[words[i]] = f"{shape.method} {shape.path}"
                else:
                    nexts.setdefault(words[i], "command group")
        return index

    def longest(self, words: Sequence[str]) -> tuple[CommandShape, int] | None:
        """The longest command that ``words`` starts with, and how many words it uses."""
        for k in range(len(words), 0, -1):
            shape = self.commands.get(tuple(words[:k]))
            if shape is not None:
                return shape, k
        return None

    def next_words(self, words: Sequence[str]) -> dict[str, str]:
        return self.following.get(tuple(words), {})
