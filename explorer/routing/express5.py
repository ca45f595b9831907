"""Express 5 route patterns: path-to-regexp 8.x syntax and matching.

Syntax: ``:name`` (a JS identifier, or ``:"any name"``), ``*name`` (a wildcard across
segments, returned as a list), ``{...}`` optional groups, ``\\`` escapes.  The
characters ``( ) [ ] + ? ! }`` are reserved and an error when unescaped, so
``/instruments/:id?`` is rejected here (its 8.x spelling is ``/instruments{/:id}``).

Matching follows 8.x: the groups are flattened into every combination (included
first, at most 256), each combination becomes one alternative, params are
``[^/]+`` with guards against backtracking into the text before them, and the
pattern ends with ``(?:/$)?`` (``trailing``) and ``$`` (``end``) or ``(?=/|$)``.

    /x{/:id}  ->  alternatives  /x/([^/]+)  |  /x      keys ['id']
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from explorer.errors import RouteError
from explorer.routing.segments import Complex, Literal, Param, Segment

_RESERVED = "}()[]+?!"
_MAX_COMBINATIONS = 256
_MAX_NESTING = 32


@dataclass(frozen=True, slots=True)
class Text:
    value: str


@dataclass(frozen=True, slots=True)
class Var:
    """A ``:name`` param (``wildcard`` False) or a ``*name`` wildcard."""

    name: str
    wildcard: bool


@dataclass(frozen=True, slots=True)
class Group:
    tokens: tuple[Text | Var | Group, ...]


Token = Text | Var | Group
Flat = tuple[Text | Var, ...]


@dataclass(slots=True)
class Parsed:
    text: str
    tokens: tuple[Token, ...]
    sequences: list[tuple[Flat, int]]  # every flattening, included-first, with #groups
    body: str  # regex alternatives (Python syntax) without anchors and suffix
    keys: list[Var]

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(key.name for key in self.keys))


def id_start(c: str) -> bool:
    """Whether ``c`` may start a name (``:name``, ``*name``): JavaScript's ID_Start."""
    return c in "$_" or c.isidentifier()


def id_continue(c: str) -> bool:
    """Whether ``c`` may go on a name: JavaScript's ID_Continue."""
    return c in "$\u200c\u200d" or ("a" + c).isidentifier()


def parse(text: str) -> Parsed:
    """Parse and validate an 8.x pattern; errors name the pattern and the index."""
    index = 0
    n = len(text)

    def consume_until(end: str, depth: int = 0) -> tuple[Token, ...]:
        nonlocal index
        if depth > _MAX_NESTING:
            raise RouteError("groups nested too deeply", pattern=text, position=index - 1)
        output: list[Token] = []
        path = ""
        while index < n:
            value = text[index]
            index += 1
            if value == end:
                if path:
                    output.append(Text(path))
                return tuple(output)
            if value == "\\":
                if index == n:
                    raise RouteError("unexpected end after \\", pattern=text, position=index)
                path += text[index]
                index += 1
                continue
            if value in ":*":
                name = _name()
                if path:
                    output.append(Text(path))
                    path = ""
                output.append(Var(name, value == "*"))
                continue
            if value == "{":
                if path:
                    output.append(Text(path))
                    path = ""
                output.append(Group(consume_until("}", depth + 1)))
                continue
            if value in _RESERVED:
                raise RouteError(f"unexpected {value!r}", pattern=text, position=index - 1)
            path += value
        if end:
            raise RouteError(f"unexpected end, expected {end!r}", pattern=text, position=index)
        if path:
            output.append(Text(path))
        return tuple(output)

    def _name() -> str:
        nonlocal index
        name = ""
        if index < n and id_start(text[index]):
            while True:
                name += text[index]
                index += 1
                if index >= n or not id_continue(text[index]):
                    break
        elif index < n and text[index] == '"':
            quote_start = index
            while index < n:
                index += 1
                if index < n and text[index] == '"':
                    index += 1
                    quote_start = -1
                    break
                if index < n and text[index] == "\\":
                    index += 1
                if index < n:
                    name += text[index]
            if quote_start >= 0:
                raise RouteError("unterminated quote", pattern=text, position=quote_start)
        if not name:
            raise RouteError("missing parameter name", pattern=text, position=index)
        return name

    tokens = consume_until("")
    sequences = _flatten(tokens, text)
    keys: list[Var] = []
    body = "|".join(_source(seq, keys, text) for seq, _count in sequences)
    return Parsed(text, tokens, sequences, body, keys)


def _flatten(tokens: tuple[Token, ...], text: str) -> list[tuple[Flat, int]]:
    """All flat sequences: each group included (first) or left out."""
    results: list[tuple[list[Text | Var], int]] = [([], 0)]
    for token in tokens:
        if isinstance(token, Group):
            # depth first, like 8.x: with the group, then without, for each prefix
            choices = [(list(part), k + 1) for part, k in _flatten(token.tokens, text)]
            choices.append(([], 0))
            results = [(seq + part, c + k) for seq, c in results for part, k in choices]
            if len(results) > _MAX_COMBINATIONS:
                raise RouteError("too many path combinations", pattern=text)
        else:
            for seq, _c in results:
                seq.append(token)
    return [(tuple(seq), count) for seq, count in results]


def _class_escape(chars: str) -> str:
    return "".join(re.escape(c) for c in chars)


def _negate(a: str, b: str) -> str:
    """A character that does not start ``a`` or ``b`` (path-to-regexp's negate)."""
    if len(b) > len(a):
        a, b = b, a
    if a == b:
        b = ""
    if len(b) > 1:
        return f"(?:(?!{re.escape(a)}|{re.escape(b)})[\\s\\S])"
    if len(a) > 1:
        return f"(?:(?!{re.escape(a)})[^{_class_escape(b)}])" if b else (
            f"(?:(?!{re.escape(a)})[\\s\\S])"
        )
    if not a + b:
        return "[\\s\\S]"
    return f"[^{_class_escape(a + b)}]"


def _source(tokens: Flat, keys: list[Var], text: str) -> str:
    """One alternative's regex (8.x toRegExpSource), appending its keys."""
    delimiter = "/"
    result: list[str] = []
    backtrack = ""
    wildcard_backtrack = ""
    prev_capture = 0
    segment_capture = 0

    def has_in_segment(start: int, wildcard: bool) -> bool:
        for token in tokens[start:]:
            if isinstance(token, Var) and token.wildcard == wildcard:
                return True
            if isinstance(token, Text) and delimiter in token.value:
                break
        return False

    def peek_text(start: int) -> str:
        out = ""
        for token in tokens[start:]:
            if not isinstance(token, Text):
                break
            out += token.value
        return out

    for index, token in enumerate(tokens):
        if isinstance(token, Text):
            result.append(re.escape(token.value))
            backtrack += token.value
            if prev_capture == 2:
                wildcard_backtrack += token.value
            if delimiter in token.value:
                segment_capture = 0
            continue
        kind = "wildcard" if token.wildcard else "param"
        if prev_capture and not backtrack:
            raise RouteError(f"missing text before {token.name!r} {kind}", pattern=text)
        if not token.wildcard:
            if segment_capture & 2:
                source = f"({_negate(delimiter, backtrack)}+)"
            elif has_in_segment(index + 1, True):
                source = f"({_negate(delimiter, peek_text(index + 1))}+)"
            elif segment_capture & 1:
                source = f"({_negate(delimiter, backtrack)}+|{re.escape(backtrack)})"
            else:
                source = f"({_negate(delimiter, '')}+)"
            segment_capture |= 1
            prev_capture = 1
        else:
            if segment_capture & 2:
                source = f"({_negate(backtrack, '')}+)"
            elif wildcard_backtrack:
                source = f"({_negate(wildcard_backtrack, '')}+|{_negate(delimiter, '')}+)"
            else:
                source = "([\\s\\S]+)"
            wildcard_backtrack = ""
            segment_capture |= 2
            prev_capture = 2
        result.append(source)
        keys.append(token)
        backtrack = ""
    return "".join(result)


def compile_regex(parsed: Parsed, *, end: bool, trailing: bool, sensitive: bool) -> re.Pattern[str]:
    pattern = f"^(?:{parsed.body})"
    if trailing:
        pattern += "(?:/\\Z)?"
    pattern += "\\Z" if end else "(?=/|\\Z)"
    return re.compile(pattern, re.ASCII | (0 if sensitive else re.IGNORECASE))


# ---------------------------------------------------------------- text, shapes, build


def escape_text(value: str) -> str:
    return re.sub(r"[{}()\[\]+?!:*\\]", lambda m: "\\" + m.group(0), value)


def _name_source(name: str, following: Token | None) -> str:
    plain = bool(name) and id_start(name[0]) and all(id_continue(c) for c in name[1:])
    if plain and isinstance(following, Text) and id_continue(following.value[0]):
        plain = False
    if plain:
        return name
    return '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'


def stringify(tokens: tuple[Token, ...]) -> str:
    out = []
    for i, token in enumerate(tokens):
        following = tokens[i + 1] if i + 1 < len(tokens) else None
        if isinstance(token, Text):
            out.append(escape_text(token.value))
        elif isinstance(token, Group):
            out.append("{" + stringify(token.tokens) + "}")
        else:
            out.append(("*" if token.wildcard else ":") + _name_source(token.name, following))
    return "".join(out)


def cut_flat(tokens: Flat) -> tuple[Segment, ...]:
    """Cut one flat sequence at ``/`` into segments (after the leading ``/``)."""
    segments: list[list[Text | Var]] = [[]]
    for token in tokens:
        if isinstance(token, Text):
            pieces = token.value.split("/")
            if pieces[0]:
                segments[-1].append(Text(pieces[0]))
            for piece in pieces[1:]:
                segments.append([Text(piece)] if piece else [])
        else:
            segments[-1].append(token)
    if segments[0]:
        names = tuple(dict.fromkeys(t.name for t in tokens if isinstance(t, Var)))
        return (Complex(stringify(tokens), names),)
    return tuple(_segment(parts) for parts in segments[1:])


def _segment(parts: list[Text | Var]) -> Segment:
    if not parts:
        return Literal("")
    if len(parts) == 1:
        part = parts[0]
        if isinstance(part, Text):
            return Literal(part.value)
        if not part.wildcard:
            return Param(part.name)
    names = tuple(dict.fromkeys(t.name for t in parts if isinstance(t, Var)))
    return Complex(stringify(tuple(parts)), names)


def cut_top(tokens: tuple[Token, ...]) -> tuple[Segment, ...] | None:
    """Segments of the unexpanded pattern, or None if it does not start with ``/``.

    A group that is exactly ``{/:name}`` is an optional :class:`Param` segment; any
    other group stays inside the segment it starts in (a :class:`Complex`).
    """
    segments: list[list[Token]] = [[]]
    for token in tokens:
        if isinstance(token, Text):
            pieces = token.value.split("/")
            if pieces[0]:
                segments[-1].append(Text(pieces[0]))
            for piece in pieces[1:]:
                segments.append([Text(piece)] if piece else [])
        elif _optional_param(token):
            segments.append([token])
        else:
            segments[-1].append(token)
    if segments[0]:
        return None
    out: list[Segment] = []
    for parts in segments[1:]:
        if len(parts) == 1 and _optional_param(parts[0]):
            out.append(Param(parts[0].tokens[1].name, optional=True))  # type: ignore[union-attr]
        elif all(not isinstance(p, Group) for p in parts):
            out.append(_segment(parts))  # type: ignore[arg-type]
        else:
            names = tuple(dict.fromkeys(_names(tuple(parts))))
            out.append(Complex(stringify(tuple(parts)), names))
    return tuple(out)


def _optional_param(token: Token) -> bool:
    return (
        isinstance(token, Group)
        and len(token.tokens) == 2
        and token.tokens[0] == Text("/")
        and isinstance(token.tokens[1], Var)
        and not token.tokens[1].wildcard
    )


def _names(tokens: tuple[Token, ...]):
    for token in tokens:
        if isinstance(token, Group):
            yield from _names(token.tokens)
        elif isinstance(token, Var):
            yield token.name


def all_names(tokens: tuple[Token, ...]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(_names(tokens)))


def build(parsed: Parsed, values, *, encode) -> str:
    """Fill ``values`` in (8.x ``compile``): a group with a missing param is left out."""
    missing: list[str] = []
    path = _build(parsed.tokens, values, encode, missing, parsed.text)
    if missing:
        raise RouteError(
            "missing required parameter " + ", ".join(repr(m) for m in missing),
            pattern=parsed.text,
        )
    return path


def _build(tokens, values, encode, missing: list[str], text: str) -> str:
    out = []
    for token in tokens:
        if isinstance(token, Text):
            out.append(token.value)
        elif isinstance(token, Group):
            inner: list[str] = []
            value = _build(token.tokens, values, encode, inner, text)
            if not inner:
                out.append(value)
        else:
            value = values.get(token.name)
            if value is None:
                missing.append(token.name)
                continue
            if token.wildcard:
                pieces = value.split("/") if isinstance(value, str) else list(value)
                if not pieces or not all(isinstance(p, str) for p in pieces):
                    raise RouteError(
                        f"wildcard {token.name!r} needs a non-empty list of strings", pattern=text
                    )
                out.append("/".join(encode(p) for p in pieces))
            else:
                if not isinstance(value, str):
                    raise RouteError(f"parameter {token.name!r} must be a string", pattern=text)
                if value == "":
                    raise RouteError(f"parameter {token.name!r} must not be empty", pattern=text)
                out.append(encode(value))
    return "".join(out)
