"""What one shell session remembers between lines: where it is, variables, the last answer.

Read by the completer (from its worker thread) and changed by the commands; each
assignment replaces a whole value, so a reader never sees a half-made one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from explorer.variables import expand

_NOTHING = object()


@dataclass
class ShellState:
    #: the current directory in the route tree (``cd``); relative paths start here
    cwd: str = "/"
    #: ``set name=value``
    variables: dict[str, Any] = field(default_factory=dict)
    #: default headers added to every request (``headers Name:value``)
    headers: dict[str, str] = field(default_factory=dict)
    #: the parsed JSON body of the last answer, as ``{{last...}}``
    last: Any = _NOTHING
    #: ``output table|json``: how lists are shown (None: the config's ``table`` setting)
    output: str | None = None
    #: ``pager on|off`` (None: ``--no-pager`` and the config decide)
    pager: bool | None = None

    @property
    def has_last(self) -> bool:
        return self.last is not _NOTHING

    def scope(self) -> dict[str, Any]:
        """The names ``{{...}}`` can use."""
        scope = dict(self.variables)
        if self.has_last:
            scope["last"] = self.last
        return scope

    def expand(self, text: str) -> str:
        return expand(text, self.scope())
