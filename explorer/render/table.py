"""Lists of objects as a text table that fits the terminal width.

::

    >>> print(render_table([{"name": "Hamilton", "id": 1}], width=40))
    id  name
    --  --------
    1   Hamilton

Columns come from the rows' keys in order of first appearance, with ``id`` and
``name`` first.  Cells are one line (control characters shown escaped, ``\x1b``, as
:func:`explorer.render.text.one_line` writes them); nested
values are shown as compact JSON.  When the natural widths do not fit, the widest
columns are narrowed and cut with ``…``; columns that cannot get a few characters
are dropped from the right.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Sequence
from typing import Any

from explorer.envelope import list_envelope
from explorer.render.text import one_line

GAP = "  "
ELLIPSIS = "…"
#: a column is not narrowed below this (unless its content is narrower)
MIN_WIDTH = 5
FIRST_COLUMNS = ("id", "name")


def columns_of(rows: Sequence[dict[str, Any]]) -> list[str]:
    seen: dict[str, None] = {}
    for row in rows:
        for key in row:
            seen.setdefault(str(key), None)
    first = [c for c in FIRST_COLUMNS if c in seen]
    return first + [c for c in seen if c not in FIRST_COLUMNS]


def table_rows(data: Any) -> tuple[list[dict[str, Any]], dict[str, Any]] | None:
    """The rows of a list answer, and the other top-level members (``next_cursor``).

    Recognised: a list answer (:func:`explorer.envelope.list_envelope`: a bare list,
    ``{"data": [...]}``, ``{"items": [...]}``...) whose items are all objects.
    """
    found = list_envelope(data)
    if found is None:
        return None
    key, rows = found
    if not all(isinstance(r, dict) for r in rows):
        return None
    return rows, {k: v for k, v in data.items() if k != key} if key is not None else {}


def render_table(
    rows: list[dict[str, Any]], *, columns: Sequence[str] | None = None, width: int
) -> str:
    """The rows as aligned text, no line wider than ``width`` display columns."""
    names = list(columns) if columns is not None else columns_of(rows)
    if not names:
        return ""
    cells = [[cell_text(_get(row, name)) for name in names] for row in rows]
    header = [cell_text(name) for name in names]
    natural = [
        max([display_width(header[i])] + [display_width(r[i]) for r in cells])
        for i in range(len(names))
    ]
    widths = fit_widths(natural, max(width, 1))
    lines = [_line(header, widths), _line(["-" * w for w in widths], widths)]
    lines += [_line(r, widths) for r in cells]
    return "\n".join(lines) + "\n"


def fit_widths(natural: list[int], width: int) -> list[int]:
    """Column widths for a table at most ``width`` wide (fewer columns if need be)."""
    minimum = [min(n, MIN_WIDTH) for n in natural]
    count = len(natural)
    while count > 1 and sum(minimum[:count]) + len(GAP) * (count - 1) > width:
        count -= 1
    natural, minimum = natural[:count], minimum[:count]
    available = width - len(GAP) * (count - 1)
    if sum(natural) <= available:
        return natural
    if count == 1:
        return [max(1, available)]
    if sum(minimum) >= available:
        return minimum
    # The largest cap such that the capped widths fit; leftovers go left to right.
    low, high = 0, max(natural)
    while low < high:
        cap = (low + high + 1) // 2
        if sum(max(m, min(n, cap)) for n, m in zip(natural, minimum, strict=True)) <= available:
            low = cap
        else:
            high = cap - 1
    widths = [max(m, min(n, low)) for n, m in zip(natural, minimum, strict=True)]
    spare = available - sum(widths)
    for i, n in enumerate(natural):
        if spare <= 0:
            break
        if widths[i] < n:
            widths[i] += 1
            spare -= 1
    return widths


def cell_text(value: Any) -> str:
    if value is None:
        text = ""
    elif isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, str):
        text = value
    elif isinstance(value, int | float):
        text = str(value)
    else:
        text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str)
    return one_line(text)


def display_width(text: str) -> int:
    return sum(_char_width(c) for c in text)


def truncate(text: str, width: int) -> str:
    """``text`` cut to ``width`` display columns, ending in ``…`` when cut."""
    if display_width(text) <= width:
        return text
    out, used = [], 0
    for c in text:
        w = _char_width(c)
        if used + w > width - 1:
            break
        out.append(c)
        used += w
    return "".join(out) + ELLIPSIS


def _char_width(c: str) -> int:
    if unicodedata.combining(c) or unicodedata.category(c) in ("Mn", "Me", "Cf"):
        return 0
    return 2 if unicodedata.east_asian_width(c) in ("W", "F") else 1


def _get(row: dict[str, Any], name: str) -> Any:
    if name in row:
        return row[name]
    for key, value in row.items():
        if str(key) == name:
            return value
    return None


def _line(cells: list[str], widths: list[int]) -> str:
    parts = []
    for text, w in zip(cells, widths, strict=False):
        text = truncate(text, w)
        parts.append(text + " " * (w - display_width(text)))
    return GAP.join(parts).rstrip()
