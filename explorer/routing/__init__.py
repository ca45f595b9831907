"""Express route patterns: parse, match, build and expand them (pure, no I/O).

``RoutePattern.parse(text)`` understands Express 4 (path-to-regexp 0.1.x) and
Express 5 (path-to-regexp 8.x) syntax, chosen from the pattern itself; see
:mod:`explorer.routing.pattern` for the rule and :mod:`explorer.routing.segments`
for how a pattern is cut into the parts the registry indexes.
"""

from explorer.routing.codec import decode_component, encode_component
from explorer.routing.pattern import (
    EXPRESS4,
    EXPRESS5,
    RouteMatch,
    RoutePattern,
    detect_syntax,
    structure_key,
)
from explorer.routing.segments import Complex, Literal, Param, Segment, Shape, is_plain

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
