"""What one shell session remembers between lines: where it is, variables, the last answer.

Read by the completer (from its worker thread) and changed by the commands; each
assignment replaces a whole value, so a reader never sees a half-made one.
"""

from __future__ import annotations

from typing import Any

from explorer.record import Record
from explorer.variables import expand

_NOTHING = object()


class ShellState(Record):
    __slots__ = ("cwd", "headers", "last", "output", "pager", "variables")
    _fields = ("cwd", "variables", "headers", "last", "output", "pager")

    def __init__(
        self,
        cwd: str = "/",
        variables: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
        last: Any = _NOTHING,
        output: str | None = None,
        pager: bool | None = None,
    ) -> None:
        #: the current directory in the route tree (``cd``); relative paths start here
        self.cwd = cwd
        #: ``set name=value``
        self.variables: dict[str, Any] = {} if variables is None else variables
        #: default headers added to every request (``headers Name:value``)
        self.headers: dict[str, str] = {} if headers is None else headers
        #: the parsed JSON body of the last answer, as ``{{last...}}``
        self.last = last
        #: ``output table|json``: how lists are shown (None: the config's ``table`` setting)
        self.output = output
        #: ``pager on|off`` (None: ``--no-pager`` and the config decide)
        self.pager = pager

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
