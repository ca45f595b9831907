"""Reading the files that ``name=@path`` and ``name:=@path`` items name.

Kept apart from the parser, which does no I/O.  ``read`` is injectable so tests and
front ends can supply contents without touching the disk.  Files are read as UTF-8
whatever the locale, with their line ends as they are (``\r\n`` stays ``\r\n``).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from explorer.errors import ItemError
from explorer.fileio import ITEM_FILE_LIMIT, read_bounded
from explorer.items.request import RequestItems, decode_json
from explorer.items.syntax import Item, Kind


def read_utf8(path: Path) -> str:
    """The text of ``path`` decoded as UTF-8, line ends untouched: a regular file of
    at most :data:`~explorer.fileio.ITEM_FILE_LIMIT` bytes (:func:`read_bounded`)."""
    return read_bounded(path, ITEM_FILE_LIMIT).decode("utf-8")


def load_file_refs(
    items: RequestItems, *, read: Callable[[Path], str] = read_utf8
) -> RequestItems:
    """Read every pending file of ``items`` into its field (in place); return ``items``.

    A missing or unreadable file, text that is not UTF-8, or (for ``:=@``) contents
    that are not JSON raise :class:`ItemError` with a caret under the file name.
    """
    for item, entry in items.pending():
        path = Path(item.value).expanduser()
        try:
            text = read(path)
        except FileNotFoundError as exc:
            raise _error(item, "no such file") from exc
        except IsADirectoryError as exc:
            raise _error(item, "is a directory, not a file") from exc
        except UnicodeDecodeError as exc:
            raise _error(item, "is not UTF-8 text") from exc
        except OSError as exc:
            raise _error(item, exc.strerror or str(exc)) from exc
        if item.kind is Kind.JSON_FILE:
            try:
                entry.value = decode_json(text)
            except json.JSONDecodeError as exc:
                where = f"line {exc.lineno} column {exc.colno}"
                raise _error(item, f"does not hold valid JSON: {exc.msg} ({where})") from exc
            except ValueError as exc:
                raise _error(item, f"does not hold valid JSON: {exc}") from exc
        else:
            entry.value = text
    items.rebuild()
    return items


def _error(item: Item, reason: str) -> ItemError:
    return ItemError(
        f"request item {item.text!r}: {item.value!r} {reason}",
        text=item.text,
        position=item.value_column,
    )
