"""An error as the user sees it: ``explorer: message``, the item and a caret under
the bad character, the hint; the same lines in one-shot commands and in the shell.

Every line is redacted (secrets replaced) and has its control characters escaped
(:func:`~explorer.render.text.one_line`), so neither a token nor an escape sequence
from a server or a typed item reaches the terminal::

    explorer: request item 'tags:=[1,': invalid JSON after ':=': ...
      tags:=[1,
               ^
"""

from __future__ import annotations

from collections.abc import Callable

from explorer.errors import ExplorerError
from explorer.render.text import one_line

#: how much of an unexpected exception's text is shown
INTERNAL_LIMIT = 300


def _same(text: str) -> str:
    return text


def format_error(exc: BaseException, *, redact: Callable[[str], str] = _same) -> list[str]:
    """The lines to print on stderr for ``exc`` (without line ends)."""

    def clean(text: str) -> str:
        return one_line(redact(text))

    if not isinstance(exc, ExplorerError):
        text = one_line(redact(str(exc))[:INTERNAL_LIMIT])
        return [f"explorer: internal error: {type(exc).__name__}: {text}"]
    lines = [f"explorer: {clean(str(exc))}"]
    item = getattr(exc, "text", "")
    if callable(getattr(exc, "caret", None)) and isinstance(item, str) and item:
        position = max(0, min(getattr(exc, "position", 0), len(item)))
        lines.append("  " + clean(item))
        lines.append("  " + " " * len(clean(item[:position])) + "^")
    if exc.hint:
        lines.append(f"  {clean(exc.hint)}")
    return lines
