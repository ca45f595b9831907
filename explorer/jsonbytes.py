"""JSON from UTF-8 bytes, decoded from a text of one byte per character.

``json.loads(raw)`` first decodes the whole of ``raw`` into one ``str``, whose width
is that of its widest character: four emoji in GitHub's 13 MB description make it a
52 MB text (four bytes a character), held beside the bytes and the values while they
are decoded, the largest part of the peak.  :func:`loads` writes the few non-ASCII
characters as ``\\uXXXX`` escapes first (JSON allows them only inside strings, where an
escape means the same), so the text is ASCII, one byte a character, and the values are
exactly ``json.loads(raw)``'s.

Whatever might not mean the same escaped is decoded as before, by ``json.loads(raw)``:
another encoding than UTF-8 (a BOM, UTF-16), a non-ASCII character right after a
backslash, encoded surrogates (``surrogatepass`` keeps them apart; escaped, a pair would
be joined), bytes that are not UTF-8; and any error is the one ``json.loads(raw)``
raises, positions included.
"""

from __future__ import annotations

import json
import re
from typing import Any

_NON_ASCII = re.compile(rb"[\x80-\xff]+")
#: the size of the pieces checked for non-ASCII bytes at once
_STEP = 1 << 16


class _Unchanged(Exception):
    """This text is decoded as it is."""


def loads(raw: bytes) -> Any:
    """``json.loads(raw)``, the same values and errors, with less memory at its peak."""
    if type(raw) is not bytes or raw.isascii() or json.detect_encoding(raw) != "utf-8":
        return json.loads(raw)
    try:
        escaped = _escaped(raw)
    except _Unchanged:
        return json.loads(raw)
    text = escaped.decode("ascii")
    del escaped
    try:
        return json.loads(text)
    except ValueError:
        del text
        return json.loads(raw)  # the error as the bytes give it (its positions)


def _escaped(raw: bytes) -> bytearray:
    """``raw`` with each run of non-ASCII bytes escaped (:func:`_escape`).  Only the
    pieces of :data:`_STEP` bytes that hold one are searched (``bytes.isascii`` skips
    the others at memory speed; a regular expression goes a byte at a time: 0.6 s for
    a 73 MB document)."""
    out = bytearray()
    view = memoryview(raw)
    size = len(raw)
    last = start = 0
    while start < size:
        end = min(start + _STEP, size)
        if raw[start:end].isascii():
            start = end
            continue
        pos = max(start, last)
        while pos < end:
            found = _NON_ASCII.search(raw, pos, end)
            if found is None:
                break
            run = _NON_ASCII.match(raw, found.start())  # the whole run, past ``end`` too
            out += view[last:run.start()]
            out += _escape(raw, run)
            last = pos = run.end()
        start = max(end, last)
    out += view[last:]
    return out


def _escape(raw: bytes, run: re.Match[bytes]) -> bytes:
    start = run.start()
    backslashes = 0
    while start - backslashes > 0 and raw[start - backslashes - 1] == 0x5C:  # "\"
        backslashes += 1
    if backslashes % 2:
        raise _Unchanged  # "\é": an invalid escape, which "\\u00e9" would not be
    try:
        text = run.group().decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _Unchanged from exc  # encoded surrogates, or not UTF-8
    units = text.encode("utf-16-be")
    return "".join(
        f"\\u{units[i] << 8 | units[i + 1]:04x}" for i in range(0, len(units), 2)
    ).encode("ascii")
