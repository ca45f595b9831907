"""The syntax read from the pattern itself, checked against the vectors.

test_route_vectors.py names each vector's syntax; here every applicable vector is
parsed with ``syntax=None``, the way discovery parses a server's routes.  Every 0.1.x
vector and every 8.x vector whose pattern shows 8.x syntax agree.  The rest are
patterns both syntaxes accept (``/test/``, ``/:test``, ``/route|:param|``): they are
read as Express 4, whose ``:id?`` the LabOS routes use, and 8.x answers differently on
trailing slashes, ``end: false``, backslash escapes and ``|``.  That set is pinned here,
so a change to the detection rule shows up as a changed list.
"""

from __future__ import annotations

from test_route_vectors import _actual, _applicable, _expected

from explorer.errors import RouteError
from explorer.routing import RoutePattern
from explorer.routing.pattern import detect_syntax

#: 8.x vectors whose pattern has no 8.x-only syntax and whose 8.x answer differs
AMBIGUOUS = {443, 444, 458, 460, 462, 477, 480, 489, 491, 492, 538, 641, 642, 643, 644, 645}


def _detected(vector: dict):
    options = dict(vector.get("options", {}))
    decode = not (vector["version"] == "0.1.x" and vector["layer"] == "path-to-regexp")
    if options.pop("decode", True) is False:
        decode = False
    return RoutePattern.parse(vector["pattern"], decode=decode, **options)


def test_detected_syntax_agrees_with_every_vector_but_the_ambiguous_ones(vector_file):
    disagree = set()
    for vector in _applicable(vector_file):
        try:
            pattern = _detected(vector)
        except RouteError:  # refused as Express 4 (a route discovery would skip)
            disagree.add(vector["id"])
            continue
        params, _ = _actual(vector, pattern)
        expected = _expected(vector)
        if isinstance(params, dict) and isinstance(expected, dict):
            if vector["version"] == "8.x":
                params = {k: v for k, v in params.items() if v is not None}
            if vector.get("params_partial"):
                params = {k: params.get(k) for k in expected}
        if params != expected:
            disagree.add(vector["id"])
    assert disagree == AMBIGUOUS


def test_the_ambiguous_vectors_are_8x_patterns_without_8x_syntax(vector_file):
    by_id = {v["id"]: v for v in vector_file["vectors"]}
    for vector_id in AMBIGUOUS:
        vector = by_id[vector_id]
        assert vector["version"] == "8.x"
        assert detect_syntax(vector["pattern"]) == "express4"
    shown = [v for v in _applicable(vector_file)
             if v["version"] == "8.x" and detect_syntax(v["pattern"]) == "express5"]
    assert len(shown) == 159  # read as 8.x from the pattern, and all agree
