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
    """Entry index -> params, from each entry's own pattern.

    A route with two entries (``list`` and ``get``) gives the match to ``get`` when
    a param only ``get`` has is present, else to ``list``.
    """
    entries = reg.entries
    by_route: dict[int, list[int]] = {}
    for index, entry in enumerate(entries):
        by_route.setdefault(id(entry.route), []).append(index)
    out = {}
    for indexes in by_route.values():
        params = entries[indexes[0]].pattern.match(path)
        if params is None:
            continue
        if len(indexes) == 1:
            out[indexes[0]] = params
            continue
        listing, one = indexes
        own = [n for n in entries[one].params if n not in entries[listing].params]
        out[one if any(params[n] is not None for n in own) else listing] = params
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
