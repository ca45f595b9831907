"""Property: the trie finds exactly the entries whose patterns match, with their params.

Random route sets over a small vocabulary (so that routes overlap: literals against
params, optional ids, complex segments, wildcards) are checked against brute force:
every entry's own ``RoutePattern.match``.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from explorer.errors import DecodeError
from explorer.registry import Registry, Route
from explorer.routing import RoutePattern

WORDS = ["a", "b", "B", "list"]
SEGMENTS = st.sampled_from(
    [*WORDS, ":id", ":id?", ":x", ":n.:e", ":n.:e?", "*", "{/:g}", ""]
)
METHODS = st.sampled_from(["GET", "POST", "PUT", "DELETE"])


@st.composite
def route_sets(draw) -> list[Route]:
    routes = []
    for _ in range(draw(st.integers(1, 8))):
        parts = draw(st.lists(SEGMENTS, min_size=0, max_size=4))
        path = "".join(p if p.startswith("{") else "/" + p for p in parts) or "/"
        routes.append(Route(draw(METHODS), path))
    return routes


paths = st.lists(
    st.sampled_from(["a", "b", "B", "A", "list", "x", "x.y", "", "%41", "a%2Fb", "é"]),
    min_size=0,
    max_size=5,
).map(lambda parts: "/" + "/".join(parts))


def _brute(reg: Registry, path: str) -> dict:
    """Entry index -> params, from each route's own pattern.

    A route with two entries (``list`` and ``get``) gives the match to the entry
    one of whose shapes, as a pattern of its own, matches the path.
    """
    entries = reg.entries
    by_route: dict[int, list[int]] = {}
    for index, entry in enumerate(entries):
        by_route.setdefault(id(entry.route), []).append(index)
    out = {}
    for indexes in by_route.values():
        pattern = RoutePattern.parse(entries[indexes[0]].route.path)
        params = pattern.match(path)
        if params is None:
            continue
        if len(indexes) == 1:
            out[indexes[0]] = params
            continue
        shapes = pattern.expand()
        owner = [
            i for i in indexes
            if any(RoutePattern.parse(shapes[s]).match(path) is not None
                   for s in entries[i].shapes)
        ]
        assert len(owner) == 1, "the two halves of a split route never both match"
        chosen = owner[0]
        assert entries[chosen].pattern.match(path) == {
            k: v for k, v in params.items() if k in entries[chosen].params
        }
        out[chosen] = params
    return out


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(route_sets(), paths)
def test_the_trie_agrees_with_every_pattern(routes, path):
    reg = Registry(routes)
    position = {id(e): i for i, e in enumerate(reg.entries)}
    try:
        found = {position[id(e)]: params for e, params in reg.match(path)}
    except DecodeError:
        return
    assert found == _brute(reg, path)
