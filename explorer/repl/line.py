"""Reading a shell line: words, a trailing JSON body, completeness, relative paths.

Pure, no prompt_toolkit.  Words follow POSIX shell quoting (``'...'`` literal,
``"..."`` with ``\\"`` and ``\\\\``, a backslash outside quotes makes the next character
literal), so ``post /x name="HPLC 2"`` is three words.  A word that starts with ``{``
(not ``{{``, which is a variable) or a ``[`` that is not an item path like ``[0]=x``
begins a raw JSON body that runs to the end of the input, newlines included (not after
a ``|`` word: that is the JMESPath filter of the answer)::

    post /public/v1/instruments {
      "name": "HPLC 2"
    }

:func:`tokenize` never raises: an unterminated quote or body is reported on the
result, which is what completion (on every prefix) and the Enter key (continue the
line or run it) both need.
"""

from __future__ import annotations

import re

from explorer.items.syntax import find_separator
from explorer.record import Frozen, setfield

_SPACE = " \t\r\n"
# ``[0]=x``, ``[a][b]:=1``: an item whose key is a nested path, not a JSON body.
_ITEM_PATH = re.compile(r"\[[^\]\s]*\](?:\[[^\]\s]*\])*(?:==|:=@|:=|=@|=|@|:)")


class Word(Frozen):
    """One word: ``value`` with quotes and escapes resolved, ``start``/``end`` in the text."""

    __slots__ = ("end", "open_quote", "start", "value")
    _fields = ("value", "start", "end", "open_quote")

    def __init__(self, value: str, start: int, end: int, open_quote: str = "") -> None:
        setfield(self, "value", value)
        setfield(self, "start", start)
        setfield(self, "end", end)
        # the quote character still open at the end of the text ("" when none)
        setfield(self, "open_quote", open_quote)


class Line(Frozen):
    __slots__ = ("at_new_word", "body_start", "dangling_escape", "open_quote", "text", "words")
    _fields = ("words", "body_start", "open_quote", "dangling_escape", "at_new_word", "text")

    def __init__(
        self,
        words: tuple[Word, ...],
        body_start: int | None,
        open_quote: bool,
        dangling_escape: bool,
        at_new_word: bool,
        text: str,
    ) -> None:
        setfield(self, "words", words)
        # index where a raw JSON body starts, or None
        setfield(self, "body_start", body_start)
        # the text ends inside a quote, or with an escaping backslash
        setfield(self, "open_quote", open_quote)
        setfield(self, "dangling_escape", dangling_escape)
        # the text ends with a separator: the cursor is on a new, empty word
        setfield(self, "at_new_word", at_new_word)
        setfield(self, "text", text)

    @property
    def body(self) -> str | None:
        return None if self.body_start is None else self.text[self.body_start :]

    @property
    def values(self) -> list[str]:
        return [w.value for w in self.words]


def _body_starts(text: str, i: int) -> bool:
    ch = text[i]
    if ch == "{":
        return not text.startswith("{{", i)
    if ch == "[":
        return _ITEM_PATH.match(text, i) is None
    return False


def _piped(words: list[Word], text: str) -> bool:
    """Whether a ``|`` word came before: what follows is a JMESPath expression
    (``| [0].name``, ``| {n: name}``), never a JSON body, so an unclosed bracket there is
    the expression's error to report, not a line to continue."""
    return any(text[w.start:w.end] == "|" for w in words)


def tokenize(text: str) -> Line:
    """Split ``text`` into words; tolerant of anything (see the module docstring)."""
    words: list[Word] = []
    i, n = 0, len(text)
    while True:
        while i < n and text[i] in _SPACE:
            i += 1
        if i >= n:
            return Line(tuple(words), None, False, False, True, text)
        if words and _body_starts(text, i) and not _piped(words, text):
            return Line(tuple(words), i, False, False, False, text)
        start = i
        out: list[str] = []
        quote = ""
        dangling = False
        while i < n:
            ch = text[i]
            if quote == "'":
                if ch == "'":
                    quote = ""
                else:
                    out.append(ch)
                i += 1
            elif quote == '"':
                if ch == '"':
                    quote = ""
                    i += 1
                elif ch == "\\" and i + 1 < n and text[i + 1] in '"\\':
                    out.append(text[i + 1])
                    i += 2
                else:
                    out.append(ch)
                    i += 1
            elif ch in _SPACE:
                break
            elif ch in "'\"":
                quote = ch
                i += 1
            elif ch == "\\":
                if i + 1 < n:
                    if text[i + 1] != "\n":  # backslash-newline continues the line
                        out.append(text[i + 1])
                    i += 2
                else:
                    dangling = True
                    i += 1
            else:
                out.append(ch)
                i += 1
        words.append(Word("".join(out), start, i, quote))
        if quote or dangling:
            return Line(tuple(words), None, bool(quote), dangling, False, text)
        if i >= n:
            return Line(tuple(words), None, False, False, False, text)


def json_balanced(text: str) -> bool:
    """Whether every ``{``/``[`` outside JSON strings is closed and no string is open."""
    depth = 0
    in_string = False
    escaped = False
    for ch in text:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "{[":
            depth += 1
        elif ch in "}]":
            depth -= 1
    return depth <= 0 and not in_string


def is_complete(text: str) -> bool:
    """Whether Enter should run ``text`` (False: it continues on the next line)."""
    line = tokenize(text)
    if line.open_quote or line.dangling_escape:
        return False
    body = line.body
    return body is None or json_balanced(body)


def is_item(word: str) -> bool:
    """Whether ``word`` after a verb is a request item rather than a path.

    It is an item when it has an item separator (split as :mod:`explorer.items` does)
    with no ``/`` or ``?`` before it: ``limit==1`` and ``url==http://x/y`` are items;
    ``/x``, ``instruments?limit=1`` and ``./x?a=1`` are paths.
    """
    found = find_separator(word)
    if found is None:
        return False
    head = word[: found[0]]
    return "/" not in head and "?" not in head


def resolve_path(cwd: str, typed: str) -> str:
    """``typed`` relative to ``cwd`` (``..`` and ``.`` resolved); a ``?query`` is kept.

    An absolute path without ``.``/``..`` segments comes back exactly as typed.
    """
    path, sep, query = typed.partition("?")
    segments = path.split("/")
    if path.startswith("/") and "." not in segments and ".." not in segments:
        return typed
    base = [] if path.startswith("/") else [s for s in cwd.split("/") if s]
    trailing = path.endswith("/") and path not in ("", "/")
    for segment in segments:
        if segment in ("", "."):
            continue
        if segment == "..":
            if base:
                base.pop()
        else:
            base.append(segment)
    resolved = "/" + "/".join(base)
    if trailing and resolved != "/":
        resolved += "/"
    return resolved + sep + query
