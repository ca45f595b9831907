r"""Translate the JavaScript regex source path-to-regexp 0.1.x builds into Python ``re``.

Express 4 passes raw regex syntax through from the pattern (``/user/\d+``,
``/user(s)?/:op``), so the source we get is JavaScript, not Python.  The differences
that matter, and what this module does about them:

* ``$`` is end of input in JS (no ``m`` flag); Python's ``$`` also matches before a
  final newline, so it becomes ``\Z``.
* JS ``.`` excludes ``\n \r \u2028 \u2029``; it becomes that negated class.
* ``[^]`` (any character) and ``[]`` (nothing) do not exist in Python.
* ``{`` that does not start a valid ``{n}``/``{n,}``/``{n,m}`` quantifier is a
  literal in JS (Python reads ``{,m}`` as a quantifier), and so are stray ``}``/``]``.
* Identity escapes of letters (``\z`` is ``z`` in JS) are errors in Python.
* ``(?<name>...)`` becomes a plain group (keys are positional anyway); ``\k<..>``,
  other ``(?...)`` constructs and Python-only possessive quantifiers are rejected.
* The caller compiles with ``re.ASCII`` so that ``\d \w \b`` mean what JS means.

Anything that cannot be translated faithfully raises :class:`RouteError`.

    JS  ^\/user\/\d+\/?$      ->  Python  ^/user/\d+/?\Z
    JS  ^(.*)\/?$             ->  Python  ^([^\n\r\u2028\u2029]*)/?\Z
"""

from __future__ import annotations

import re

from explorer.errors import RouteError

_DOT = "[^\\n\\r\\u2028\\u2029]"
_QUANTIFIER = re.compile(r"\{[0-9]+(?:,[0-9]*)?\}")
_HEX2 = re.compile(r"[0-9A-Fa-f]{2}")
_HEX4 = re.compile(r"[0-9A-Fa-f]{4}")
_CLASS_ESCAPES = frozenset("dDwWsSbBnrtfv0")
_GROUP_NAME = re.compile(r"\?<([A-Za-z_$][A-Za-z0-9_$]*)>")


def translate(source: str, *, pattern: str = "") -> str:
    """Return Python regex source equivalent to the JS regex ``source``."""
    out: list[str] = []
    i = 0
    n = len(source)
    # 0: free; 1: just after a quantifier (a lazy "?" may follow); 2: after "*?" and co.
    # A further quantifier is an error in JS (Python would read it as possessive).
    state = 0
    while i < n:
        c = source[i]
        if c == "\\":
            piece, i = _escape(source, i, pattern=pattern)
            out.append(piece)
            state = 0
            continue
        if c == "[":
            piece, i = _char_class(source, i, pattern=pattern)
            out.append(piece)
            state = 0
            continue
        quantifier = _QUANTIFIER.match(source, i) if c == "{" else None
        if c in "*+?" or quantifier is not None:
            if state == 1 and c == "?":
                out.append("?")
                i += 1
                state = 2
                continue
            if state:
                raise RouteError("nothing to repeat in the regular expression", pattern=pattern)
            text = quantifier.group(0) if quantifier is not None else c
            out.append(text)
            i += len(text)
            state = 1
            continue
        state = 0
        if c == "(":
            piece, i = _group_open(source, i, pattern=pattern)
            out.append(piece)
            continue
        if c == ".":
            out.append(_DOT)
        elif c == "$":
            out.append("\\Z")
        elif c in "{}]":
            out.append("\\" + c)
        elif c == "#" or c.isspace():
            out.append(re.escape(c))
        else:
            out.append(c)
        i += 1
    return "".join(out)


def _escape(source: str, i: int, *, pattern: str) -> tuple[str, int]:
    """Translate the escape at ``source[i] == '\\\\'``; return (python, next index)."""
    if i + 1 >= len(source):
        raise RouteError("\\ at end of the regular expression", pattern=pattern)
    c = source[i + 1]
    if c in _CLASS_ESCAPES:
        if c == "0" and i + 2 < len(source) and source[i + 2].isdigit():
            raise RouteError("octal escapes are not supported", pattern=pattern)
        return "\\" + c, i + 2
    if c.isdigit():
        return "\\" + c, i + 2  # back-reference; Python checks the group exists
    if c == "x" and _HEX2.match(source, i + 2):
        return source[i : i + 4], i + 4
    if c == "u" and _HEX4.match(source, i + 2):
        return source[i : i + 6], i + 6
    if c == "c" and i + 2 < len(source) and source[i + 2].isascii() and source[i + 2].isalpha():
        return re.escape(chr(ord(source[i + 2]) % 32)), i + 3
    if c == "k":
        raise RouteError("named back-references are not supported", pattern=pattern)
    return re.escape(c), i + 2


def _char_class(source: str, i: int, *, pattern: str) -> tuple[str, int]:
    """Translate the class starting at ``source[i] == '['``."""
    j = i + 1
    negated = j < len(source) and source[j] == "^"
    if negated:
        j += 1
    if j < len(source) and source[j] == "]":
        return ("[\\s\\S]" if negated else "(?!)"), j + 1
    out = ["[^" if negated else "["]
    while j < len(source):
        c = source[j]
        if c == "]":
            out.append("]")
            return "".join(out), j + 1
        if c == "\\":
            if j + 1 >= len(source):
                break
            d = source[j + 1]
            if d in _CLASS_ESCAPES or d == "-":
                out.append("\\" + d)
                j += 2
            elif d == "x" and _HEX2.match(source, j + 2):
                out.append(source[j : j + 4])
                j += 4
            elif d == "u" and _HEX4.match(source, j + 2):
                out.append(source[j : j + 6])
                j += 6
            elif d.isdigit():
                raise RouteError("octal escapes are not supported", pattern=pattern)
            else:
                out.append(re.escape(d) if not d.isalnum() else d)
                j += 2
            continue
        if c in "[&~|":
            out.append("\\" + c)
        else:
            out.append(c)
        j += 1
    raise RouteError("unterminated character class in the regular expression", pattern=pattern)


def _group_open(source: str, i: int, *, pattern: str) -> tuple[str, int]:
    """Translate ``(`` and its ``(?...)`` prefix."""
    if source.startswith("(?", i):
        rest = source[i + 2 : i + 4]
        if rest[:1] in (":", "=", "!"):
            return source[i : i + 3], i + 3
        if rest in ("<=", "<!"):
            return source[i : i + 4], i + 4
        named = _GROUP_NAME.match(source, i + 1)
        if named is not None:
            return "(", named.end()
        raise RouteError("unsupported group syntax '(?' in the regular expression", pattern=pattern)
    return "(", i + 1
