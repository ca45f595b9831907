"""Shell history that never writes a secret to disk.

:func:`scrub` masks what a line may carry: values of ``--token``/``--api-key``/
``--password`` options, credential headers (``Authorization:Bearer x``, ``apikey:k``,
``Cookie:...``), ``password``/``api_key``/``token``/``secret`` fields in items and JSON
bodies, and every known secret value (the profile's token or key) wherever it appears.
Masked values become ``***`` (the rules are :func:`explorer.secrets.scrub_command`'s,
shared with the recorder); the line in memory (Up arrow, Ctrl-R) stays as typed for
the current session, the file gets the scrubbed one.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from prompt_toolkit.history import FileHistory

from explorer.secrets import MASK, scrub_command

#: a byte that was not UTF-8 as the terminal sent it (surrogateescape)
_SURROGATE = re.compile("[\ud800-\udfff]")

__all__ = ["MASK", "ScrubbedFileHistory", "scrub"]


def scrub(line: str, secrets: Iterable[str] = ()) -> str:
    """``line`` with every secret replaced by ``***`` (:func:`explorer.secrets.scrub_command`,
    the same rules the recorder uses for the commands it keeps)."""
    return scrub_command(line, known=list(secrets))


class ScrubbedFileHistory(FileHistory):
    """A :class:`FileHistory` whose file only ever receives scrubbed lines."""

    def __init__(self, filename: str, *, secrets: Callable[[], Iterable[str]]) -> None:
        super().__init__(filename)
        self._secrets = secrets

    def store_string(self, string: str) -> None:
        if _SURROGATE.search(string):
            return  # not UTF-8: the shell refused the line, and the file takes only UTF-8
        super().store_string(scrub(string, self._secrets()))
