"""One request item: its separators, and splitting ``key SEP value``.

Parsing is two-stage, as in HTTPie:

1. tokenise backslash escapes: ``\\`` before a separator character (or a bracket)
   makes that character literal, so ``a\\=b=c`` has the key ``a=b``; a backslash
   before anything else is kept as typed (``\\"`` inside a JSON value stays ``\\"``);
2. pick the separator that starts FIRST among the unescaped characters, and the
   longest one among those starting at the same index.

=========================  ============  ===============================
item                       separator     meaning
=========================  ============  ===============================
``limit==5``               ``==``        query parameter
``name=Pipette``           ``=``         JSON string field (query for GET, DELETE,
                                         HEAD, OPTIONS; form field with files)
``count:=3``               ``:=``        raw JSON field
``Accept:text/csv``        ``:``         header (``Name:`` unsets a default header)
``X-Empty;``               ``;``         header sent with an empty value (only at
                                         the end of the item)
``file@data.csv``          ``@``         multipart file upload
``notes=@notes.txt``       ``=@``        string field read from a file
``meta:=@meta.json``       ``:=@``       JSON field read from a file
``updatedAt>2023-05-01``   ``>`` ...     filter: goes to the query as written
                                         (``>=``, ``<=``, ``!=``, ``>``, ``<``)
=========================  ============  ===============================

Precedence examples: ``a>=1`` is ``>=``; ``x!=1`` is ``!=``; ``url==http://x:8`` is
``==``; ``Accept:application/json`` is a header; ``name=a:b`` is a field.
"""

from __future__ import annotations

import enum
from typing import NamedTuple

from explorer.errors import ItemError
from explorer.record import Frozen, setfield

SEP_QUERY = "=="
SEP_DATA = "="
SEP_JSON = ":="
SEP_HEADER = ":"
SEP_EMPTY_HEADER = ";"
SEP_FILE = "@"
SEP_DATA_FILE = "=@"
SEP_JSON_FILE = ":=@"
SEP_FILTER_GE = ">="
SEP_FILTER_LE = "<="
SEP_FILTER_NE = "!="
SEP_FILTER_GT = ">"
SEP_FILTER_LT = "<"
#: ``field@path;type=text/plain`` sets the part's MIME type
SEP_FILE_TYPE = ";type="

FILTER_SEPARATORS = (SEP_FILTER_GE, SEP_FILTER_LE, SEP_FILTER_NE, SEP_FILTER_GT, SEP_FILTER_LT)

#: methods whose plain ``name=v`` items are query parameters (the table above); the
#: others take a body: what the parser and the shell's completion both go by
QUERY_METHODS = frozenset({"GET", "DELETE", "HEAD", "OPTIONS"})
BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})


class Kind(enum.StrEnum):
    QUERY = "query"
    DATA = "data"
    JSON = "json"
    HEADER = "header"
    EMPTY_HEADER = "empty_header"
    FILE = "file"
    DATA_FILE = "data_file"
    JSON_FILE = "json_file"
    FILTER = "filter"


SEPARATORS: dict[str, Kind] = {
    SEP_QUERY: Kind.QUERY,
    SEP_DATA: Kind.DATA,
    SEP_JSON: Kind.JSON,
    SEP_HEADER: Kind.HEADER,
    SEP_EMPTY_HEADER: Kind.EMPTY_HEADER,
    SEP_FILE: Kind.FILE,
    SEP_DATA_FILE: Kind.DATA_FILE,
    SEP_JSON_FILE: Kind.JSON_FILE,
    **dict.fromkeys(FILTER_SEPARATORS, Kind.FILTER),
}
# Longest first, so the first match at an index is the longest one there.
_BY_LENGTH = sorted(SEPARATORS, key=len, reverse=True)
#: characters a backslash can make literal
ESCAPABLE = frozenset("".join(SEPARATORS) + "[]")

_TOKEN_CHARS = frozenset(
    "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
)
_SHAPES = (
    "name=value, name==value, name:=json, Header:value, field@file, or a filter like name>value"
)


class Item(Frozen):
    """A parsed request item; ``text`` is the item as typed, for error messages.

    ``key`` and ``value`` have their backslash escapes resolved; ``value_column`` is
    the index in ``text`` where the value starts.
    """

    __slots__ = ("key", "kind", "sep", "text", "value", "value_column")
    _fields = ("kind", "key", "sep", "value", "text", "value_column")

    kind: Kind
    key: str
    sep: str
    value: str
    text: str
    value_column: int

    def __init__(self, kind: Kind, key: str, sep: str, value: str, text: str,
                 value_column: int = 0) -> None:
        setfield(self, "kind", kind)
        setfield(self, "key", key)
        setfield(self, "sep", sep)
        setfield(self, "value", value)
        setfield(self, "text", text)
        setfield(self, "value_column", value_column)


class Char(NamedTuple):
    """One character after stage 1: where it was typed, and whether it was escaped."""

    char: str
    column: int
    escaped: bool


def tokenise(text: str) -> list[Char]:
    """Stage 1: resolve backslash escapes, remembering each character's column."""
    chars: list[Char] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch == "\\" and i + 1 < n and text[i + 1] in ESCAPABLE:
            chars.append(Char(text[i + 1], i, True))
            i += 2
            continue
        chars.append(Char(ch, i, False))
        i += 1
    return chars


class Split(NamedTuple):
    item: Item
    key_chars: list[Char]
    value_columns: list[int]


def split_item(text: str) -> Split:
    """Parse ``text`` into an :class:`Item`, keeping the per-character detail."""
    chars = tokenise(text)
    found = _find_separator(chars)
    if found is None:
        raise ItemError(
            f"request item {text!r} has no separator (expected {_SHAPES})",
            text=text,
            position=len(text),
        )
    index, sep = found
    key_chars = chars[:index]
    value_chars = chars[index + len(sep) :]
    key = "".join(c.char for c in key_chars)
    value = "".join(c.char for c in value_chars)
    value_column = value_chars[0].column if value_chars else len(text)
    kind = SEPARATORS[sep]
    if not key:
        raise ItemError(
            f"request item {text!r} has an empty name before {sep!r}", text=text, position=0
        )
    item = Item(kind, key, sep, value, text, value_column)
    if kind in (Kind.HEADER, Kind.EMPTY_HEADER):
        _check_header(item, key_chars, value_chars)
    return Split(item, key_chars, [c.column for c in value_chars])


def parse_item(text: str) -> Item:
    """Parse one request item; raises :class:`ItemError` (with a caret) when malformed."""
    return split_item(text).item


def find_separator(text: str) -> tuple[int, str] | None:
    """Where ``text`` would be split as an item: the column of its separator in
    ``text`` and the separator, as :func:`parse_item` picks it; None when it has none.

    For callers that look at items being typed (the shell's completion, highlighting),
    so they split words exactly as a request does:

        >>> find_separator("limit==5"), find_separator(r"a\\=b=c"), find_separator("id42")
        ((5, '=='), (4, '='), None)
    """
    chars = tokenise(text)
    found = _find_separator(chars)
    if found is None:
        return None
    index, sep = found
    return chars[index].column, sep


def _find_separator(chars: list[Char]) -> tuple[int, str] | None:
    n = len(chars)
    for i, c in enumerate(chars):
        if c.escaped:
            continue
        for sep in _BY_LENGTH:
            if sep == SEP_EMPTY_HEADER:
                # ';' separates only at the very end (``X-Empty;``), so that
                # ``a;b=c`` stays a field and ``f@x;type=...`` a file.
                if c.char == ";" and i == n - 1:
                    return i, sep
                continue
            end = i + len(sep)
            if end <= n and all(
                not chars[j].escaped and chars[j].char == sep[j - i] for j in range(i, end)
            ):
                return i, sep
    return None


def _check_header(item: Item, key_chars: list[Char], value_chars: list[Char]) -> None:
    for c in key_chars:
        if c.char not in _TOKEN_CHARS:
            raise ItemError(
                f"request item {item.text!r}: {c.char!r} is not allowed in a header name",
                text=item.text,
                position=c.column,
            )
    if item.kind is Kind.EMPTY_HEADER:
        return
    for c in value_chars:
        if c.char in "\r\n\0":
            raise ItemError(
                f"request item {item.text!r}: a header value cannot contain CR, LF or NUL",
                text=item.text,
                position=c.column,
            )
