"""RoutePattern: one Express route pattern, parsed once, matched and built many times.

Which syntax a pattern uses is read from the pattern itself:

* **express5** (path-to-regexp 8.x) if it has an unescaped ``{``, a ``*`` directly
  followed by a name (``*path``, ``*"x"``), or a quoted name ``:"..."`` -- and no
  unescaped ``(`` or ``?`` (8.x rejects both);
* **express4** (path-to-regexp 0.1.x) otherwise, which covers every pattern made of
  ``/literal``, ``/:name`` and ``/:name?`` (where both agree anyway) and the 0.1.x
  extras (``:name(re)``, ``*``, ``.:format``, raw regex).

``syntax=`` forces one.  ``strict`` only applies to express4, ``trailing`` only to
express5.  Matching runs on the *encoded* path; params come back the way Express
hands them to a handler: percent-decoded with strict ``decodeURIComponent`` rules
(a malformed ``%`` raises :class:`~explorer.errors.DecodeError`, Express's 400), a
missing optional param as ``None`` with its key present, unnamed 0.1.x captures as
``"0"``, ``"1"``..., an 8.x ``*name`` as a list.

    >>> p = RoutePattern.parse("/public/v1/instruments/:id?")
    >>> p.match("/public/v1/instruments/a%2Fb?limit=5")
    {'id': 'a/b'}
    >>> p.build({"id": "a/b"})
    '/public/v1/instruments/a%2Fb'
    >>> p.expand()
    ['/public/v1/instruments', '/public/v1/instruments/:id']

:class:`RoutePattern` is one interface with one implementation per syntax, chosen by
:meth:`RoutePattern.parse`:

* :class:`PlainPattern`: only ``/literal`` and ``/:name?`` segments (every
  ``/discover`` pattern), cut into segments at parse time with one regex test and no
  parser loaded; it matches as Express 4 does (the regex is compiled on first use);
* :class:`Express4Pattern`: the 0.1.x parser (:mod:`.express4`); patterns with raw
  regex parts are compiled at once so that errors show at parse time;
* :class:`Express5Pattern`: the 8.x parser (:mod:`.express5`).

Both parsers are imported on first use only, so a registry of plain routes never
loads them (a measured start-up cost).
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

from explorer.errors import RouteError
from explorer.routing.codec import decode_component, encode_component
from explorer.routing.segments import PLAIN, Complex, Literal, Param, Segment, Shape

if TYPE_CHECKING:
    from explorer.routing import express4


def _express4():
    """The 0.1.x parser, loaded on first use: plain patterns never need it."""
    from explorer.routing import express4

    return express4


def _express5():
    """The 8.x parser, loaded on first use."""
    from explorer.routing import express5

    return express5


EXPRESS4 = "express4"
EXPRESS5 = "express5"
SYNTAXES = (EXPRESS4, EXPRESS5)

ParamValue = str | Sequence[str] | None


class RouteMatch(NamedTuple):
    """A successful match: the matched text (a prefix when ``end=False``) and params."""

    matched: str
    params: dict[str, Any]


def detect_syntax(text: str) -> str:
    """``"express5"`` or ``"express4"`` by the rule in the module docstring."""
    if PLAIN.fullmatch(text):
        return EXPRESS4
    has5 = False
    i = 0
    n = len(text)
    while i < n:
        c = text[i]
        if c == "\\":
            i += 2
            continue
        if c in "(?":
            return EXPRESS4
        if c == "{" or (
            i + 1 < n
            and (
                (c == ":" and text[i + 1] == '"')
                or (c == "*" and (text[i + 1] == '"' or _express5().id_start(text[i + 1])))
            )
        ):
            has5 = True
        i += 1
    return EXPRESS5 if has5 else EXPRESS4


class RoutePattern(ABC):
    """A parsed route pattern; build one with :meth:`parse`.

    The interface every syntax shares: :attr:`param_names`, :attr:`optional_params`,
    :attr:`segments`, :meth:`expand`, :meth:`match`, :meth:`exec` and :meth:`build`.
    :meth:`parse` picks the implementation: :class:`PlainPattern`,
    :class:`Express4Pattern` or :class:`Express5Pattern`; each answers the few
    questions below (its names, its shapes, its regex, how it fills values in) and
    this class does the rest the same way for all three.
    """

    __slots__ = (
        "_expanded",
        "_names",
        "_regex",
        "decode",
        "end",
        "sensitive",
        "strict",
        "text",
        "trailing",
    )

    text: str
    #: ``"express4"`` or ``"express5"`` (a plain pattern is both; it says express4)
    syntax: str

    @classmethod
    def parse(
        cls,
        text: str,
        *,
        strict: bool = False,
        end: bool = True,
        sensitive: bool = False,
        trailing: bool = True,
        decode: bool = True,
        syntax: str | None = None,
    ) -> RoutePattern:
        """Parse ``text``; a broken or unsupported pattern raises RouteError.

        ``decode=False`` returns raw (still percent-encoded) param values, like the
        bare path-to-regexp 0.1.x library; ``syntax`` forces ``"express4"`` or
        ``"express5"`` instead of detecting it.
        """
        if not isinstance(text, str):
            raise RouteError(f"a route pattern must be a string, not {type(text).__name__}")
        kind: type[RoutePattern]
        if syntax is None:
            if PLAIN.fullmatch(text) is not None:
                kind = PlainPattern
            else:
                kind = Express5Pattern if detect_syntax(text) == EXPRESS5 else Express4Pattern
        elif syntax == EXPRESS4:
            kind = PlainPattern if PLAIN.fullmatch(text) is not None else Express4Pattern
        elif syntax == EXPRESS5:
            kind = Express5Pattern
        else:
            raise RouteError(f"unknown pattern syntax {syntax!r}", pattern=text)
        self = kind.__new__(kind)
        self.text = text
        self.strict = strict
        self.end = end
        self.sensitive = sensitive
        self.trailing = trailing
        self.decode = decode
        self._regex = None
        self._expanded = None
        self._names = None
        self._read()
        return self

    # ------------------------------------------------------------------ per syntax

    @abstractmethod
    def _read(self) -> None:
        """Parse :attr:`text` (at :meth:`parse` time)."""

    @abstractmethod
    def _find_names(self) -> tuple[str, ...]:
        """Every param key in order (see :attr:`param_names`)."""

    @property
    @abstractmethod
    def optional_params(self) -> tuple[str, ...]:
        """Params that may be absent from a match (their value is then ``None``)."""

    @property
    @abstractmethod
    def segments(self) -> tuple[Segment, ...]:
        """The pattern cut at ``/`` (after the leading one); optional params flagged.

        A pattern that does not start with ``/`` is a single :class:`Complex`.
        """

    @abstractmethod
    def _candidates(self) -> list[tuple[int, str, Shape]]:
        """Every combination of the optional parts: (how many are in, text, shape)."""

    @abstractmethod
    def _compile_regex(self) -> re.Pattern[str]:
        """The regex :meth:`exec` matches with (compiled once, on first use)."""

    @abstractmethod
    def _params(self, m: re.Match[str]) -> dict[str, Any]:
        """The params of a regex match, decoded as Express hands them on."""

    @abstractmethod
    def _fill(self, values: dict[str, Any], encode) -> str:
        """The pattern with ``values`` filled in, each through ``encode``."""

    def _check_value(self, name: str, value: Any) -> None:
        if not isinstance(value, str):
            raise RouteError(f"parameter {name!r} must be a string", pattern=self.text)

    def _unambiguous(self) -> bool:
        """True when every value built in matches back as given (no check needed)."""
        return False

    # ------------------------------------------------------------------ identity

    def _key(self) -> tuple:
        return (
            self.text,
            self.syntax,
            self.strict,
            self.end,
            self.sensitive,
            self.trailing,
            self.decode,
        )

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, RoutePattern):
            return NotImplemented
        return self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __repr__(self) -> str:
        return f"RoutePattern({self.text!r}, syntax={self.syntax!r})"

    def __str__(self) -> str:
        return self.text

    # ------------------------------------------------------------------ structure

    @property
    def param_names(self) -> tuple[str, ...]:
        """Every param key in order (0.1.x numeric keys included)."""
        names = self._names
        if names is None:
            names = self._names = self._find_names()
        return names

    @property
    def required_params(self) -> tuple[str, ...]:
        """Params every match has (and :meth:`build` needs)."""
        optional = set(self.optional_params)
        return tuple(n for n in self.param_names if n not in optional)

    @property
    def shapes(self) -> list[Shape]:
        """One tuple of segments per concrete shape (see :meth:`expand`); no optionals."""
        return [shape for _text, shape in self._expansions()]

    def expand(self) -> list[str]:
        """The concrete shapes as pattern strings, without their optional parts.

        ``/x/:id?`` gives ``["/x", "/x/:id"]``; shapes a pattern cannot actually
        produce (``/:a?/:b?`` never fills ``b`` alone) are left out; fewest optional
        parts first.
        """
        return [text for text, _shape in self._expansions()]

    @property
    def is_plain(self) -> bool:
        """True if every shape consists of Literal and Param segments only."""
        return all(type(s) is not Complex for shape in self.shapes for s in shape)

    def _expansions(self) -> list[tuple[str, Shape]]:
        if self._expanded is not None:
            return self._expanded
        candidates = self._candidates()
        if len(candidates) <= 2:  # one optional part at most: no two shapes alike
            kept = [(count, text or "/", shape) for count, text, shape in candidates]
        else:
            seen: set[tuple] = set()
            kept = []
            for count, text, shape in candidates:
                key = structure_key(shape)
                if key not in seen:
                    seen.add(key)
                    kept.append((count, text or "/", shape))
        kept.sort(key=lambda item: item[0])
        self._expanded = [(text, shape) for _count, text, shape in kept]
        return self._expanded

    # ------------------------------------------------------------------ matching

    def _compiled(self) -> re.Pattern[str]:
        if self._regex is None:
            self._regex = self._compile_regex()
        return self._regex

    def match(self, path: str) -> dict[str, Any] | None:
        """Params for a request path (its ``?query``/``#fragment`` ignored), or None."""
        cut = _QUERY.search(path)
        if cut is not None:
            path = path[: cut.start()]
        result = self.exec(path)
        return None if result is None else result.params

    def exec(self, path: str) -> RouteMatch | None:
        """Match ``path`` exactly as given (nothing stripped): matched text and params."""
        m = self._compiled().match(path)
        if m is None:
            return None
        return RouteMatch(m.group(0), self._params(m))

    # ------------------------------------------------------------------ building

    def build(self, params: Mapping[str, ParamValue] | None = None) -> str:
        """Fill ``params`` into the pattern, percent-encoding each value.

        Missing required params, unknown names, empty values and values that would
        match back differently raise RouteError; ``match(build(p)) == p`` holds for
        whatever this returns.
        """
        values = {k: v for k, v in (params or {}).items() if v is not None}
        names = set(self.param_names)
        unknown = sorted(set(values) - names)
        if unknown:
            raise RouteError(
                "unknown parameter " + ", ".join(repr(u) for u in unknown), pattern=self.text
            )
        for name, value in values.items():
            self._check_value(name, value)
        path = self._build(values, encode_component)
        if self._unambiguous() or not self.decode or self._fits(path, values):
            return self._no_dot_segments(path, values)
        path = self._build(values, _encode_all)
        if self._fits(path, values):
            return self._no_dot_segments(path, values)
        raise RouteError("these parameter values would not match back as given", pattern=self.text)

    def _no_dot_segments(self, path: str, values: Mapping[str, Any]) -> str:
        """``path``, unless a value made a ``.`` or ``..`` segment of it: percent-encoding
        leaves dots alone, and ``DELETE /items/..`` names another resource (a server or
        proxy folds it to ``/items`` or above), so such a value is refused."""
        dots = (".", "..")
        if not any(s in dots for s in path.split("/")) or any(
                s in dots for s in self.text.split("/")):
            return path
        for name, value in values.items():
            parts = [value] if isinstance(value, str) else list(value)
            bad = next((p for p in parts if p in dots), None)
            if bad is not None:
                raise RouteError(f"parameter {name!r} cannot be {bad!r}: as a path segment "
                                 "it names another resource", pattern=self.text)
        raise RouteError("the parameter values make a '.' or '..' path segment",
                         pattern=self.text)

    def _build(self, values: dict[str, Any], encode) -> str:
        path = self._fill(values, encode)
        return path or ("/" if self.text.startswith("/") else path)

    def _fits(self, path: str, values: dict[str, Any]) -> bool:
        got = self.exec(path)
        if got is None:
            return False
        for name in self.param_names:
            want = values.get(name)
            have = got.params.get(name)
            if want is None:
                if have is not None and not name.isdigit():
                    return False
                continue
            if isinstance(want, str) and isinstance(have, list):
                want = want.split("/")
            elif not isinstance(want, str):
                want = list(want)
            if have != want:
                return False
        return True


class Express4Pattern(RoutePattern):
    """Express 4 (path-to-regexp 0.1.x): ``:name?``, ``:name(re)``, ``*``, raw regex.
    Patterns with raw regex parts are compiled at once, so errors show at parse time."""

    __slots__ = ("_parsed",)
    syntax = EXPRESS4

    def _read(self) -> None:
        self._parsed = _express4().parse(self.text)
        if self._parsed.raw_regex:
            self._compiled()

    @property
    def _tokens(self) -> express4.Parsed:
        """The 0.1.x parse (a plain pattern makes it on first use: for matching)."""
        if self._parsed is None:
            self._parsed = _express4().parse(self.text)
        return self._parsed

    def _find_names(self) -> tuple[str, ...]:
        return self._tokens.names

    @property
    def optional_params(self) -> tuple[str, ...]:
        required = {k.name for k in self._tokens.keys if not k.optional}
        return tuple(n for n in self.param_names if n not in required)

    @property
    def segments(self) -> tuple[Segment, ...]:
        return _express4().cut(self._tokens.tokens, text=self.text, strict=self.strict)

    def _candidates(self) -> list[tuple[int, str, Shape]]:
        e4 = _express4()
        return [
            (count, "".join(t.src for t in tokens), e4.cut(tokens, text=self.text,
                                                           strict=self.strict))
            for tokens, count in e4.expansions(self._tokens)
        ]

    def _compile_regex(self) -> re.Pattern[str]:
        return _express4().compile_regex(
            self._tokens, strict=self.strict, end=self.end, sensitive=self.sensitive
        )

    def exec(self, path: str) -> RouteMatch | None:
        if self.decode:
            # Express's Layer fast paths
            if self.text == "*":
                return RouteMatch(path, {"0": decode_component(path)})
            if self.text == "/" and not self.end:
                return RouteMatch("", {})
        return super().exec(path)

    def _params(self, m: re.Match[str]) -> dict[str, Any]:
        params: dict[str, Any] = {}
        keys = self._tokens.keys
        for i, value in enumerate(m.groups()):
            name = keys[i].name
            if value and self.decode:
                value = decode_component(value)
            if value is not None or name not in params:
                params[name] = value
        return params

    def _fill(self, values: dict[str, Any], encode) -> str:
        return _express4().build(
            self._tokens, values, encode=encode, encode_rest=lambda v: _encode_rest(v, encode)
        )


class PlainPattern(Express4Pattern):
    """Only ``/literal`` and ``/:name?`` segments, where Express 4 and 5 agree (every
    ``/discover`` pattern): cut into segments at parse time with one regex test, no
    parser loaded.  Matching is Express 4's; its regex is compiled on first use."""

    __slots__ = ("_plain",)

    def _read(self) -> None:
        self._parsed = None
        self._plain = _plain_segments(self.text, strict=self.strict)

    def _find_names(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(s.name for s in self._plain if type(s) is Param))

    @property
    def optional_params(self) -> tuple[str, ...]:
        required = {s.name for s in self._plain if type(s) is Param and not s.optional}
        return tuple(n for n in self.param_names if n not in required)

    @property
    def segments(self) -> tuple[Segment, ...]:
        return self._plain

    @property
    def is_plain(self) -> bool:
        return True

    def _candidates(self) -> list[tuple[int, str, Shape]]:
        return _plain_expansions(self.text, self._plain)

    def _fill(self, values: dict[str, Any], encode) -> str:
        return _build_plain(self.text, values, encode)

    def _unambiguous(self) -> bool:
        return len(self.optional_params) <= 1


class Express5Pattern(RoutePattern):
    """Express 5 (path-to-regexp 8.x): ``{...}`` optional groups, ``*name`` wildcards
    (a list of segments), ``:"quoted"`` names."""

    __slots__ = ("_parsed",)
    syntax = EXPRESS5

    def _read(self) -> None:
        self._parsed = _express5().parse(self.text)

    def _find_names(self) -> tuple[str, ...]:
        return _express5().all_names(self._parsed.tokens)

    @property
    def optional_params(self) -> tuple[str, ...]:
        everywhere = set(self.param_names)
        var = _express5().Var
        for seq, _count in self._parsed.sequences:
            everywhere &= {t.name for t in seq if isinstance(t, var)}
        return tuple(n for n in self.param_names if n not in everywhere)

    @property
    def segments(self) -> tuple[Segment, ...]:
        segments = _express5().cut_top(self._parsed.tokens)
        if segments is None:
            return (Complex(self.text, self.param_names),)
        return segments

    def _candidates(self) -> list[tuple[int, str, Shape]]:
        e5 = _express5()
        return [(count, e5.stringify(seq), e5.cut_flat(seq))
                for seq, count in self._parsed.sequences]

    def _compile_regex(self) -> re.Pattern[str]:
        return _express5().compile_regex(
            self._parsed, end=self.end, trailing=self.trailing, sensitive=self.sensitive
        )

    def _params(self, m: re.Match[str]) -> dict[str, Any]:
        params: dict[str, Any] = dict.fromkeys(self.param_names)
        keys = self._parsed.keys
        for i, value in enumerate(m.groups()):
            if value is None:
                continue
            key = keys[i]
            if not self.decode:
                params[key.name] = value
            elif key.wildcard:
                params[key.name] = [decode_component(p) for p in value.split("/")]
            else:
                params[key.name] = decode_component(value)
        return params

    def _check_value(self, name: str, value: Any) -> None:
        if not isinstance(value, str | Sequence):
            raise RouteError(f"parameter {name!r} must be a string", pattern=self.text)

    def _fill(self, values: dict[str, Any], encode) -> str:
        return _express5().build(self._parsed, values, encode=encode)


_QUERY = re.compile(r"[?#]")


def structure_key(shape: Shape) -> tuple:
    """What two shapes must share to match the same paths (param names aside)."""
    return tuple(
        ("L", s.text.lower())
        if type(s) is Literal
        else ("P",)
        if type(s) is Param
        else ("C", s.text)
        for s in shape
    )


_INTERNED: dict[tuple[str, bool], Segment] = {}


def _segment(piece: str) -> Segment:
    """The (shared, immutable) segment for one piece of a plain pattern."""
    optional = piece[-1:] == "?"
    key = (piece, optional)
    segment = _INTERNED.get(key)
    if segment is None:
        if len(_INTERNED) > 50_000:
            _INTERNED.clear()
        if piece[:1] == ":":
            segment = Param(piece[1:-1] if optional else piece[1:], optional)
        else:
            segment = Literal(piece)
        _INTERNED[key] = segment
    return segment


def _plain_segments(text: str, *, strict: bool) -> tuple[Segment, ...]:
    segments = [_segment(piece) for piece in text.split("/")[1:]]
    if segments and not strict and segments[-1] == Literal(""):
        segments.pop()
    return tuple(segments)


def _plain_expansions(text: str, segments: tuple[Segment, ...]) -> list[tuple[int, str, Shape]]:
    """Depth-first choices of the optional params of a plain pattern (included first)."""
    optional = [i for i, s in enumerate(segments) if type(s) is Param and s.optional]
    if not optional:
        return [(0, text, segments)]
    pieces = text.split("/")[1:]
    tail = len(pieces) > len(segments)  # a dropped trailing "/" (non-strict)
    if len(optional) == 1 and optional[0] == len(segments) - 1 and not tail:
        # the common case: one trailing optional param
        last = segments[-1]
        cut = text.rfind("/")
        return [
            (1, text[:-1], (*segments[:-1], _segment(":" + last.name))),  # type: ignore[union-attr]
            (0, text[:cut], segments[:-1]),
        ]
    results: list[tuple[int, list[str], list[Segment]]] = [(0, [], [])]
    for piece, segment in zip(pieces, segments, strict=False):
        if type(segment) is Param and segment.optional:
            required = _segment(piece[:-1])
            results = [
                choice
                for n, t, s in results
                for choice in ((n + 1, [*t, piece[:-1]], [*s, required]), (n, t, s))
            ]
            if len(results) > 256:
                raise RouteError("too many path combinations", pattern=text)
        else:
            for _n, t, s in results:
                t.append(piece)
                s.append(segment)
    suffix = "/" if tail else ""
    return [(n, ("/" + "/".join(t) + suffix) if t else suffix, tuple(s)) for n, t, s in results]


def _build_plain(text: str, values: dict[str, Any], encode) -> str:
    out = []
    for piece in text.split("/")[1:]:
        if not piece.startswith(":"):
            out.append("/" + piece)
            continue
        optional = piece.endswith("?")
        name = piece[1:-1] if optional else piece[1:]
        value = values.get(name)
        if value is None:
            if optional:
                continue
            raise RouteError(f"missing required parameter {name!r}", pattern=text)
        if value == "":
            raise RouteError(f"parameter {name!r} must not be empty", pattern=text)
        out.append("/" + encode(value))
    return "".join(out)


def _encode_all(value: str) -> str:
    """Percent-encode everything but ASCII letters and digits (for ambiguous patterns)."""
    out = []
    for c in value:
        if c.isascii() and c.isalnum():
            out.append(c)
            continue
        try:
            out.append("".join(f"%{b:02X}" for b in c.encode("utf-8")))
        except UnicodeEncodeError as exc:
            raise RouteError(f"parameter value {value!r} cannot be encoded as UTF-8") from exc
    return "".join(out)


def _encode_rest(value: str, encode) -> str:
    """A ``*`` capture: each ``/``-separated piece encoded, the slashes kept."""
    return "/".join(encode(piece) for piece in value.split("/"))
