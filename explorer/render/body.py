"""Turning a response body into text for a terminal.

JSON is pretty-printed (indent 2) and highlighted with pygments, the lexer chosen
from the MIME type; other text is highlighted when pygments knows its type and
shown plain otherwise.  Nothing is highlighted past ``max_highlight_bytes``.
Binary bodies are not shown at all: one line says how big they were.  pygments is
imported here, lazily, only when something is highlighted.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from explorer.render.text import for_terminal

BINARY_NOTE = "+-----------------------------------------+ binary data ({size} bytes) not shown"

#: a pygments style whose mid-tone colours read on dark and light backgrounds
STYLE_256 = "solarized-dark"

_TEXT_TYPES = (
    "application/javascript",
    "application/x-www-form-urlencoded",
    "application/xml",
    "application/yaml",
    "application/x-yaml",
    "application/graphql",
    "application/x-ndjson",
)
_BINARY_PREFIXES = ("image/", "audio/", "video/", "font/")
_BINARY_TYPES = (
    "application/octet-stream",
    "application/pdf",
    "application/zip",
    "application/gzip",
    "application/x-tar",
    "application/x-7z-compressed",
    "application/vnd.ms-excel",
    "application/msword",
)


@dataclass
class Body:
    """What came back, read for a terminal: the bytes, or only the size when binary.

    ``cut`` is set when only the first ``limit`` bytes were kept (``size`` counts them
    all): :func:`cut_note` says what was left out."""

    content: bytes
    size: int
    binary: bool
    cut: bool = False


def is_textual(mime: str) -> bool:
    return (
        mime.startswith("text/") or mime in _TEXT_TYPES or mime.endswith(("+json", "+xml", "/json"))
    )


def is_binary_type(mime: str) -> bool:
    return (
        mime.startswith(_BINARY_PREFIXES)
        or mime in _BINARY_TYPES
        or (mime.startswith("application/vnd.") and not is_textual(mime))
    )


def read_body(chunks: Iterator[bytes], mime: str, *, limit: int | None = None) -> Body:
    """Read a body for display; once it is known to be binary, only count its bytes.
    With ``limit``, at most that many bytes are kept; the rest is only counted
    (memory stays bounded whatever the server sends).

    Binary: a non-text MIME type, or a NUL byte anywhere (HTTPie's rule).
    """
    binary = is_binary_type(mime) and not is_textual(mime)
    buffer = bytearray()
    size = 0
    for chunk in chunks:
        size += len(chunk)
        if binary:
            continue
        if b"\0" in chunk and not mime.endswith("json"):
            binary = True
            buffer.clear()
            continue
        if limit is not None and len(buffer) + len(chunk) > limit:
            chunk = chunk[: max(0, limit - len(buffer))]
        buffer += chunk
    cut = not binary and limit is not None and size > len(buffer)
    return Body(bytes(buffer), size, binary, cut)


def cut_text(content: bytes, charset: str) -> str:
    """The first part of a cut body as text: a character the cut split is dropped."""
    import codecs

    try:
        decoder = codecs.getincrementaldecoder(charset)("replace")
    except LookupError:
        decoder = codecs.getincrementaldecoder("utf-8")("replace")
    return decoder.decode(content, final=False)


def cut_note(body: Body, limit: int) -> str:
    """The line after a cut body: how much was not shown, and how to get it all."""
    return cut_line(len(body.content), body.size, limit)


def cut_line(shown: int, total: int, limit: int, what: str = "the answer") -> str:
    """``(N more bytes not shown: ...)``: ``shown`` of ``total`` bytes were, ``limit``
    being ``settings.render_limit``."""
    return (
        f"({total - shown:,} more bytes not shown: {what} is {total:,} bytes, more than "
        f"settings.render_limit ({limit:,}) shows on a terminal; pipe it "
        "(explorer ... | less) or save it with -o FILE)"
    )


def cut_to(text: str, limit: int) -> tuple[str, int, int]:
    """``text`` cut to at most ``limit`` bytes of UTF-8 (never inside a character):
    the part, its size and the whole size, in bytes."""
    data = text.encode("utf-8", "surrogatepass")
    if len(data) <= limit:
        return text, len(data), len(data)
    part = data[:limit].decode("utf-8", "ignore")
    return part, len(part.encode("utf-8", "surrogatepass")), len(data)


def looks_like_json(mime: str, content: bytes) -> bool:
    """Untyped or plain-text bodies that start like JSON are tried as JSON."""
    if mime not in ("", "text/plain", "text/javascript", "application/javascript"):
        return False
    head = content.lstrip()[:1]
    return head in (b"{", b"[")


#: DEL and the C1 controls: json.dumps leaves them raw, a terminal may act on them
_RAW_CONTROLS = re.compile("[\x7f-\x9f]")


def _terminal_json(text: str) -> str:
    """JSON text with DEL and C1 controls written as ``\\u00XX`` (still the same JSON)."""
    return _RAW_CONTROLS.sub(lambda m: f"\\u{ord(m[0]):04x}", text)


def pretty_json(data: Any) -> str:
    """``data`` indented for a terminal: no raw control characters in it."""
    return _terminal_json(json.dumps(data, indent=2, ensure_ascii=False))


_TOO_DEEP = "\n(nested too deeply to indent; as received:)\n"


class PrettyJson:
    """The text :func:`pretty_json` gives, produced piece by piece for a big body.

    A terminal can then show (and page) the first screen of a large answer while the
    rest is still being indented, and indenting stops when the pager is quit.  The
    pieces joined are exactly ``pretty_json(data)``; when the data is nested too deeply
    to indent, they are ``raw`` instead (as when :func:`pretty_json` raises
    RecursionError), unless part of the indented text was already produced: then a
    note line and ``raw`` follow it.
    """

    #: characters per piece handed out (the encoder's own pieces are tiny)
    PIECE = 64 * 1024

    def __init__(self, data: Any, raw: str) -> None:
        self.data = data
        self.raw = raw

    def chunks(self, *, final_newline: bool = False) -> Iterator[str]:
        """The text in pieces; with ``final_newline`` it ends in a newline."""
        encoder = json.JSONEncoder(indent=2, ensure_ascii=False)
        pending: list[str] = []
        size = 0
        started = False
        last = ""
        try:
            for part in encoder.iterencode(self.data):
                pending.append(part)
                size += len(part)
                if size >= self.PIECE:
                    piece = _terminal_json("".join(pending))
                    pending, size, started, last = [], 0, True, piece[-1:]
                    yield piece
        except RecursionError:
            raw = for_terminal(self.raw)
            pending = [raw if not started else _TOO_DEEP + raw]
        piece = _terminal_json("".join(pending))
        if piece:
            last = piece[-1:]
            yield piece
        if final_newline and last != "\n":
            yield "\n"


def highlight(text: str, mime: str, *, color_256: bool) -> str:
    """``text`` with ANSI colours for ``mime``; unchanged when no lexer fits."""
    from pygments import highlight as _highlight
    from pygments.util import ClassNotFound

    if mime == "application/json" or mime.endswith(("+json", "/json")):
        from pygments.lexers.data import JsonLexer

        lexer = JsonLexer()
    elif not mime or mime == "text/plain":
        return text
    else:
        from pygments.lexers import get_lexer_for_mimetype

        try:
            lexer = get_lexer_for_mimetype(mime)
        except ClassNotFound:
            return text
    if color_256:
        from pygments.formatters.terminal256 import Terminal256Formatter

        formatter = Terminal256Formatter(style=STYLE_256)
    else:
        from pygments.formatters.terminal import TerminalFormatter

        formatter = TerminalFormatter()
    out = _highlight(text, lexer, formatter)
    # pygments adds a final newline; keep the text's own ending
    if not text.endswith("\n") and out.endswith("\n"):
        out = out[:-1]
    return out
