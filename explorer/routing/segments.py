"""The parts of a route pattern between two ``/``, as the registry's trie sees them.

A pattern is cut at ``/`` into segments.  Each is one of:

* :class:`Literal` -- fixed text (already unescaped: ``\\(x\\)`` is ``(x)``);
* :class:`Param` -- the whole segment is a plain ``:name`` (or ``:name?`` /
  ``{/:name}``, then ``optional``) with the default capture (one or more
  characters, no ``/``);
* :class:`Complex` -- anything else: several params in one segment, a custom regex,
  a wildcard, raw regex text.  The registry cannot match these segment by segment
  and asks :meth:`RoutePattern.match` instead.

    /public/v1/instruments/:id?  ->  (Literal('public'), Literal('v1'),
                                      Literal('instruments'), Param('id', optional=True))

A *shape* is one expansion of the optional parts (see ``RoutePattern.shapes``); its
params are never optional.
"""

from __future__ import annotations

import re

from explorer.record import Frozen, setfield


class Literal(Frozen):
    """A segment of fixed text, matched case-insensitively by default."""

    __slots__ = ("text",)
    _fields = ("text",)

    def __init__(self, text: str) -> None:
        setfield(self, "text", text)


class Param(Frozen):
    """A segment that is exactly one parameter with the default capture."""

    __slots__ = ("name", "optional")
    _fields = ("name", "optional")

    def __init__(self, name: str, optional: bool = False) -> None:
        setfield(self, "name", name)
        setfield(self, "optional", optional)


class Complex(Frozen):
    """Any other segment; ``text`` is its pattern source, ``names`` its param keys."""

    __slots__ = ("names", "text")
    _fields = ("text", "names")

    def __init__(self, text: str, names: tuple[str, ...] = ()) -> None:
        setfield(self, "text", text)
        setfield(self, "names", names)


Segment = Literal | Param | Complex
Shape = tuple[Segment, ...]


def is_plain(shape: Shape) -> bool:
    """True if every segment of ``shape`` is a Literal or a Param."""
    return all(type(segment) is not Complex for segment in shape)


#: a pattern of only "/literal" and "/:name" or "/:name?" segments: such patterns skip
#: the token machinery (and the parser modules) at parse time, the common case
PLAIN = re.compile(r"(?:/(?::\w+\??|[^/\\:*?()\[\]{}+|^$]*))*", re.ASCII)
