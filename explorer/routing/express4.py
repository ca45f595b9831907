"""Express 4 route patterns: path-to-regexp 0.1.13, reproduced token for token.

0.1.x does one global regex replace over the pattern and passes everything it does
not recognise through as raw (JavaScript) regex.  :func:`parse` repeats that replace
exactly -- including the 0.1.13 backtracking guard ``((?:(?!/|<text>).)+?)`` for a
param that follows literal text in its segment, reset after every param (the
CVE-2026-4867 fix), and the numeric keys ``"0"``, ``"1"``... for ``*`` and unnamed
groups -- and keeps a token list beside it for building paths, expanding optional
params and cutting segments.

    /user/:id?  ->  tokens  text '/user', param id (slash, optional)
                    source  ^\\/user(?:/([^/]+?))?\\/?$   keys ['id']

The result is turned into Python ``re`` by :mod:`explorer.routing.jsregex` on first
use (see :func:`compile_regex`).
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass, field

from explorer.errors import RouteError
from explorer.routing.jsregex import translate
from explorer.routing.segments import Complex, Literal, Param, Segment

# The replace regex of path-to-regexp 0.1.x, with JS "." spelled out.
_REPLACE = re.compile(
    r"\\[^\n\r\u2028\u2029]"
    r"|(/)?(\.)?:(\w+)(\([^\n\r\u2028\u2029]*?\))?(\*)?(\?)?"
    r"|[.*]"
    r"|/\(",
    re.ASCII,
)
# Unnamed capture groups in the generated source (MATCHING_GROUP_REGEXP).
_GROUPS = re.compile(r"\\.|\((?:\?<(.*?)>)?(?!\?)", re.DOTALL)
_CAPTURE_FIX = re.compile(r"\\.|\*", re.DOTALL)
# Characters that make raw text regex rather than literal text.
_REGEX_CHARS = frozenset("+?[]|^${}()\\")



@dataclass(slots=True)
class Key:
    name: str
    optional: bool
    offset: int


@dataclass(slots=True)
class Token:
    """One piece of the pattern: what it was, and where it landed in the regex source."""

    kind: str  # "text" | "esc" | "dot" | "star" | "group" | "param"
    src: str
    out_start: int
    out_end: int = 0
    literal: str | None = None  # the fixed text it stands for, if it is fixed text
    name: str = ""
    slash: bool = False
    fmt: bool = False
    capture: str | None = None
    star: bool = False
    optional: bool = False
    keys: list[str] = field(default_factory=list)

    @property
    def plain_param(self) -> bool:
        """``/:name`` or ``/:name?`` with the default capture and nothing else."""
        return (
            self.kind == "param"
            and self.slash
            and not self.fmt
            and self.capture is None
            and not self.star
        )


@dataclass(slots=True)
class Parsed:
    """A 0.1.x pattern: tokens, regex source without its suffix, keys in group order."""

    text: str
    tokens: list[Token]
    body: str
    keys: list[Key]
    raw_regex: bool  # raw regex text or custom captures: compile eagerly, cannot build

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(key.name for key in self.keys))


def parse(text: str) -> Parsed:
    """Tokenise ``text`` the way path-to-regexp 0.1.13 rewrites it."""
    tokens: list[Token] = []
    out: list[str] = []
    out_len = 0
    keys: list[Key] = []
    last = 0
    pos = 0
    backtrack = ""
    raw_regex = False

    def emit(token: Token, piece: str) -> None:
        nonlocal out_len
        out.append(piece)
        out_len += len(piece)
        token.out_end = out_len
        tokens.append(token)

    for m in _REPLACE.finditer(text):
        offset = m.start()
        match = m.group(0)
        if offset > last:
            raw = text[last:offset]
            literal = None if _REGEX_CHARS.intersection(raw) else raw
            raw_regex = raw_regex or literal is None
            emit(Token("text", raw, out_len, literal=literal), raw)
        last = m.end()
        if match[0] == "\\":
            backtrack += match
            pos += 2
            char = match[1]
            literal = None if char.isascii() and char.isalnum() else char
            raw_regex = raw_regex or literal is None
            emit(Token("esc", match, out_len, literal=literal), match)
            continue
        if match == ".":
            backtrack += "\\."
            pos += 1
            emit(Token("dot", match, out_len, literal="."), "\\.")
            continue
        slash, fmt, name, capture, star, optional = m.groups()
        if slash or fmt:
            backtrack = ""
        else:
            backtrack += text[pos:offset]
        pos = offset + len(match)
        if match == "*":
            backtrack = ""
            emit(Token("star", match, out_len), "(.*)")
            continue
        if match == "/(":
            backtrack += "/"
            raw_regex = True
            emit(Token("group", match, out_len), "/(?:")
            continue
        fmt_src = "\\." if fmt else ""
        if capture:
            raw_regex = True
            group = capture
            capture = _CAPTURE_FIX.sub(lambda f: "(.*)" if f.group(0) == "*" else f.group(0),
                                       capture, count=1)
        elif backtrack:
            group = None
            capture_src = "((?:(?!/|" + backtrack + ").)+?)"
        else:
            group = None
            capture_src = "([^/" + fmt_src + "]+?)"
        keys.append(Key(name, bool(optional), out_len))
        result = (
            "(?:"
            + fmt_src
            + (slash or "")
            + (capture if group is not None else capture_src)
            + ("((?:[/" + fmt_src + "].+?)?)" if star else "")
            + ")"
            + (optional or "")
        )
        backtrack = ""
        emit(
            Token(
                "param",
                match,
                out_len,
                name=name,
                slash=bool(slash),
                fmt=bool(fmt),
                capture=group,
                star=bool(star),
                optional=bool(optional),
            ),
            result,
        )
    if last < len(text):
        raw = text[last:]
        literal = None if _REGEX_CHARS.intersection(raw) else raw
        raw_regex = raw_regex or literal is None
        emit(Token("text", raw, out_len, literal=literal), raw)

    body = "".join(out)
    _add_unnamed_keys(body, keys)
    _assign_keys(tokens, keys)
    return Parsed(text, tokens, body, keys, raw_regex)


def _add_unnamed_keys(body: str, keys: list[Key]) -> None:
    """Give every unnamed capture group a numeric key, in order (0.1.x's workaround)."""
    i = 0
    counter = 0
    for m in _GROUPS.finditer(body):
        if m.group(0)[0] == "\\":
            continue
        if i == len(keys) or keys[i].offset > m.start():
            keys.insert(i, Key(str(counter), False, m.start()))
            counter += 1
        i += 1


def _assign_keys(tokens: list[Token], keys: list[Key]) -> None:
    """Record on each token the keys whose groups lie inside it."""
    k = 0
    for token in tokens:
        while k < len(keys) and keys[k].offset < token.out_end:
            if keys[k].offset >= token.out_start:
                token.keys.append(keys[k].name)
                if token.optional:
                    keys[k].optional = True
            k += 1


def regex_source(parsed: Parsed, *, strict: bool, end: bool) -> str:
    """The JS regex source 0.1.x builds for these options (``^`` ... suffix)."""
    source = parsed.body
    if not strict:
        source += "?" if source.endswith("/") else "/?"
    if end:
        source += "$"
    elif not source.endswith("/"):
        source += "(?=/|$)"
    return "^" + source


def compile_regex(parsed: Parsed, *, strict: bool, end: bool, sensitive: bool) -> re.Pattern[str]:
    """Translate and compile; a regex Python cannot express raises RouteError."""
    try:
        python = translate(regex_source(parsed, strict=strict, end=end))
    except RouteError as exc:  # a bare message: the route and its position are added here
        raise RouteError(str(exc), pattern=parsed.text, position=_regex_start(parsed)) from None
    flags = re.ASCII | (0 if sensitive else re.IGNORECASE)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            regex = re.compile(python, flags)
    except re.error as exc:
        # exc.pos counts in the translated regex, not in the route: name where the
        # route's own regex starts instead
        raise RouteError(
            f"invalid regular expression ({exc.msg})",
            pattern=parsed.text,
            position=_regex_start(parsed),
        ) from exc
    except (OverflowError, RecursionError) as exc:
        raise RouteError(
            f"invalid regular expression ({exc})", pattern=parsed.text,
            position=_regex_start(parsed),
        ) from exc
    if regex.groups != len(parsed.keys):
        raise RouteError("unsupported capture groups", pattern=parsed.text)
    if parsed.raw_regex:
        from explorer.routing.backtracking import nested_repeat, repeats_in_a_row

        if nested_repeat(python, flags):
            reason = "a repeat inside a repeat (it could take exponential time to match)"
        elif repeats_in_a_row(python, flags):
            reason = (
                "repeats in a row over the same characters (it could take polynomial "
                "time to match a long path)"
            )
        else:
            return regex
        raise RouteError(
            f"regular expression with {reason}", pattern=parsed.text, position=_regex_start(parsed)
        )
    return regex


def _regex_start(parsed: Parsed) -> int:
    """Where the route's own regex starts in its text: the first custom capture or raw
    regex piece (what path-to-regexp passes through unchanged)."""
    offset = 0
    for token in parsed.tokens:
        if token.kind == "param" and token.capture is not None:
            return offset + token.src.index("(")
        if token.kind == "text" and token.literal is None:
            return offset + min(token.src.index(c) for c in _REGEX_CHARS & set(token.src))
        if token.kind in ("esc", "group") and token.literal is None:
            return offset + max(token.src.find("("), 0)
        offset += len(token.src)
    return 0


# ---------------------------------------------------------------- shapes and building


def expansions(parsed: Parsed, *, limit: int = 256) -> list[tuple[list[Token], int]]:
    """Every choice of optional params (depth first, included before left out) and
    how many are included."""
    results: list[tuple[list[Token], int]] = [([], 0)]
    for token in parsed.tokens:
        if token.kind == "param" and token.optional:
            required = _as_required(token)
            results = [
                choice for seq, n in results for choice in (([*seq, required], n + 1), (seq, n))
            ]
            if len(results) > limit:
                raise RouteError("too many path combinations", pattern=parsed.text)
        else:
            for seq, _n in results:
                seq.append(token)
    return results


def _as_required(token: Token) -> Token:
    copy = Token(
        token.kind,
        token.src[:-1] if token.src.endswith("?") else token.src,
        token.out_start,
        token.out_end,
        token.literal,
        token.name,
        token.slash,
        token.fmt,
        token.capture,
        token.star,
        False,
        list(token.keys),
    )
    return copy


def cut(tokens: list[Token], *, text: str, strict: bool) -> tuple[Segment, ...]:
    """Cut a token sequence at ``/`` into segments (after the leading ``/``)."""
    segments: list[list[tuple[Token, str]]] = [[]]
    for token in tokens:
        if token.kind == "param" and token.slash:
            segments.append([(token, token.src[1:])])
        elif token.kind == "group":
            segments.append([(token, "(")])
        elif token.kind == "text":
            pieces = token.src.split("/")
            if pieces[0]:
                segments[-1].append((token, pieces[0]))
            for piece in pieces[1:]:
                segments.append([(token, piece)] if piece else [])
        elif token.kind == "esc" and token.src[1] == "/":
            segments.append([])
        else:
            segments[-1].append((token, token.src))
    if segments[0]:  # not rooted at "/": the whole thing is one complex part
        names = tuple(dict.fromkeys(k for t in tokens for k in t.keys))
        return (Complex("".join(t.src for t in tokens), names),)
    rest = segments[1:]
    if rest and not rest[-1] and not strict:
        rest.pop()  # "/x/" matches like "/x" unless strict
    return tuple(_segment(parts) for parts in rest)


def _segment(parts: list[tuple[Token, str]]) -> Segment:
    if not parts:
        return Literal("")
    if len(parts) == 1 and parts[0][0].plain_param:
        token = parts[0][0]
        return Param(token.name, token.optional)
    texts = []
    for token, piece in parts:
        if token.kind not in ("text", "esc", "dot") or token.literal is None:
            break
        texts.append(piece if token.kind == "text" else token.literal)
    else:
        return Literal("".join(texts))
    names = tuple(dict.fromkeys(k for token, _ in parts for k in token.keys))
    return Complex("".join(piece for _, piece in parts), names)


def build(parsed: Parsed, values: dict[str, str | None], *, encode, encode_rest) -> str:
    """Fill ``values`` into the pattern.  Raw regex parts cannot be built."""
    out: list[str] = []
    for token in parsed.tokens:
        if token.kind in ("text", "esc", "dot"):
            if token.literal is None:
                raise RouteError(
                    "cannot build a path for raw regular expression text", pattern=parsed.text
                )
            out.append(token.literal)
        elif token.kind == "group":
            raise RouteError("cannot build a path for a '/(' group", pattern=parsed.text)
        elif token.kind == "star":
            value = values.get(token.keys[0])
            out.append(encode_rest(value) if value else "")
        else:
            value = values.get(token.name)
            if value is None:
                if token.optional:
                    continue
                raise RouteError(f"missing required parameter {token.name!r}",
                                 pattern=parsed.text)
            if value == "":
                raise RouteError(f"parameter {token.name!r} must not be empty",
                                 pattern=parsed.text)
            out.append(("." if token.fmt else "") + ("/" if token.slash else "") + encode(value))
            if token.star:
                rest = values.get(token.keys[-1]) if len(token.keys) > 1 else None
                out.append(encode_rest(rest) if rest else "")
    return "".join(out)
