"""Express route patterns: parse, match, build and expand them (pure, no I/O).

``RoutePattern.parse(text)`` understands Express 4 (path-to-regexp 0.1.x) and
Express 5 (path-to-regexp 8.x) syntax, chosen from the pattern itself; see
:mod:`explorer.routing.pattern` for the rule and :mod:`explorer.routing.segments`
for how a pattern is cut into the parts the registry indexes.  ``RoutePattern`` is
one interface with one implementation per syntax (``PlainPattern``,
``Express4Pattern``, ``Express5Pattern``), picked at parse time; the parsers
(:mod:`.express4`, :mod:`.express5`) are loaded only when a pattern needs them.
"""

from typing import TYPE_CHECKING

from explorer.routing.codec import decode_component, encode_component
from explorer.routing.segments import Complex, Literal, Param, Segment, Shape, is_plain

if TYPE_CHECKING:
    from explorer.routing.pattern import (
        EXPRESS4,
        EXPRESS5,
        RouteMatch,
        RoutePattern,
        detect_syntax,
        structure_key,
    )

#: names from :mod:`explorer.routing.pattern`, imported on first use: a registry loaded
#: from the discovery cache matches plain paths through its trie and never parses a
#: pattern, so a one-shot command does not pay for the two parsers (about 5 ms).
_LAZY = frozenset(
    {"EXPRESS4", "EXPRESS5", "RouteMatch", "RoutePattern", "detect_syntax", "structure_key"}
)


def __getattr__(name: str):
    if name in _LAZY:
        from explorer.routing import pattern

        value = globals()[name] = getattr(pattern, name)  # later lookups skip this
        return value
    raise AttributeError(f"module 'explorer.routing' has no attribute {name!r}")

__all__ = [
    "EXPRESS4",
    "EXPRESS5",
    "Complex",
    "Literal",
    "Param",
    "RouteMatch",
    "RoutePattern",
    "Segment",
    "Shape",
    "decode_component",
    "detect_syntax",
    "encode_component",
    "is_plain",
    "structure_key",
]
