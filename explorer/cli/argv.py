"""Text that must be UTF-8: command-line arguments, ``EXPLORER_*`` environment
variables and the lines the shell reads.

Python hands over an argument (or a line read in the C locale, or a key the terminal
sent) that is not valid UTF-8 with each bad byte as a lone surrogate
(``surrogateescape``: ``$'X-A:\\xff'`` arrives as ``'X-A:\\udcff'``).  Such a string
cannot be encoded for a header, a URL or a file, so it is refused where it comes in,
as a usage error naming it with the bad bytes escaped, rather than failing deep inside
as an ``UnicodeEncodeError``.
"""

from __future__ import annotations

import re

from explorer.errors import UsageError
from explorer.render.text import one_line

#: a lone surrogate: a byte that was not UTF-8 (surrogateescape), or a broken pair
_SURROGATE = re.compile("[\ud800-\udfff]")


def shown(text: str) -> str:
    """``text`` on one line, a byte that was not UTF-8 written as ``\\xff``."""
    raw = text.encode("utf-8", "surrogateescape" if _escaped_only(text) else "surrogatepass")
    return one_line(raw.decode("utf-8", "backslashreplace"))


def _escaped_only(text: str) -> bool:
    return all("\udc80" <= m[0] <= "\udcff" for m in _SURROGATE.finditer(text))


def check_arguments(argv: list[str]) -> None:
    """Raise :class:`UsageError` naming the first argument that is not valid UTF-8."""
    for number, arg in enumerate(argv, 1):
        if _SURROGATE.search(arg):
            raise UsageError(f"argument {number} is not valid UTF-8: {shown(arg)}")


def check_environment(environ) -> None:
    """Raise :class:`UsageError` naming an ``EXPLORER_*`` variable that is not UTF-8
    (``EXPLORER_TOKEN``, ``EXPLORER_URL``... are read as arguments are)."""
    for name, value in sorted(environ.items()):
        if name.startswith("EXPLORER_") and _SURROGATE.search(value):
            raise UsageError(f"the environment variable {shown(name)} is not valid UTF-8")


def check_line(text: str) -> None:
    """Raise :class:`UsageError` when a line the shell read is not valid UTF-8."""
    match = _SURROGATE.search(text)
    if match:
        raise UsageError(
            f"the line is not valid UTF-8 (column {match.start() + 1}): {shown(text)}"
        )
