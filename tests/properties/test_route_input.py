"""Arbitrary route listings: pattern text, whole /discover documents, and the paths
matched against them.

A pattern parses or raises RouteError; a listing gives routes (bad entries skipped with a
warning) or raises DiscoveryError; a registry is built from anything the parser lets
through, never raising; and no pattern a server can send, nor any path a user can type,
keeps matching busy (a generous thread guard of seconds, not a speed assertion).
"""

from __future__ import annotations

import json
import threading

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from explorer.discovery.sources import parse_route_list
from explorer.errors import DecodeError, DiscoveryError, ExplorerError, RouteError
from explorer.registry import Registry, Route
from explorer.render.text import one_line
from explorer.routing import RoutePattern

SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
GUARD_SECONDS = 10.0

PATTERN_TEXT = st.text(st.sampled_from(list("/:?*+(){}[]\\.-_ab1|^$!é")), max_size=30)
METHODS = st.sampled_from(["GET", "POST", "PUT", "PATCH", "DELETE", "get", "BREW", "", "G T"])
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner,
                                                                max_size=4),
    max_leaves=20,
)
ENTRY = st.fixed_dictionaries(
    {"method": st.one_of(METHODS, JSON_VALUES), "path": st.one_of(PATTERN_TEXT, JSON_VALUES)},
    optional={
        "command": st.one_of(st.text(max_size=10), JSON_VALUES),
        "query": st.one_of(st.lists(st.text(max_size=5), max_size=3), JSON_VALUES),
        "body": JSON_VALUES,
        "max_upload": JSON_VALUES,
    },
)


def finishes(work) -> None:
    """Run ``work`` in a thread; fail if it is still running after GUARD_SECONDS."""
    errors: list[BaseException] = []

    def run() -> None:
        try:
            work()
        except DecodeError:
            pass
        except BaseException as exc:  # re-raised in the test thread
            errors.append(exc)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(GUARD_SECONDS)
    assert not thread.is_alive(), "matching did not finish (catastrophic backtracking?)"
    if errors:
        raise errors[0]


@SETTINGS
@given(st.one_of(PATTERN_TEXT, st.text(max_size=30)))
def test_a_pattern_parses_or_raises_a_one_line_route_error(text):
    try:
        pattern = RoutePattern.parse(text)
    except RouteError as exc:
        assert isinstance(exc, ExplorerError)
        assert str(exc).strip() and len(one_line(str(exc)).splitlines()) == 1
        return
    for path in ("/", "/a", "/a/b/c", "/%E9", "/" + "a" * 200):
        finishes(lambda p=path: pattern.match(p))


@SETTINGS
@given(st.one_of(st.lists(ENTRY, max_size=8).map(lambda e: {"data": e}),
                 st.lists(ENTRY, max_size=8), JSON_VALUES))
def test_a_listing_gives_routes_or_a_discovery_error_and_a_registry(document):
    raw = json.dumps(document).encode()
    warnings: list[str] = []
    try:
        routes = parse_route_list(raw, where="GET /discover", warn=warnings.append)
    except DiscoveryError as exc:
        assert str(exc).startswith("GET /discover")
        return
    assert all(isinstance(r, Route) for r in routes)
    registry = Registry(routes, on_warning=warnings.append)
    assert len(registry.routes) <= len(routes)
    assert all(isinstance(w, str) and w for w in warnings)
    for path in ("/", "/ok", "/a/b"):
        finishes(lambda p=path: registry.match(p))


@SETTINGS
@given(st.binary(max_size=200))
def test_a_listing_of_any_bytes_is_routes_or_a_discovery_error(raw):
    try:
        parse_route_list(raw, where="GET /discover", warn=lambda message: None)
    except DiscoveryError:
        pass


# Regexes a server could list that backtrack catastrophically in a naive engine: a repeat
# inside a repeat (exponential), and repeats in a row over the same characters (the path's
# length to the power of their number: /:a(.*.*.*.*.*x) took 17 s on 200 characters).
NESTED_ROUTES = [
    "/:id((a+)+b)",
    "/:id((a+)+$)",
    "/x/:id(([a-z]+)+\\d)",
    "/:id((\\w+\\s?)+z)",
    "/:a(\\d{1,}(\\d+)+x)",
]
IN_A_ROW_ROUTES = [
    "/:a(.*.*.*.*.*x)",
    "/:a(\\d*\\d*\\d*\\d*\\d*x)",
    "/:a(\\d+\\d+\\d+x)",
    "/y/:a(.*-.*-.*x)",
    "/z/:a((?:b.*){4}x)",
    "/w/:a([a-z]*\\w*[^/]*x)",
]
EVIL_ROUTES = NESTED_ROUTES + IN_A_ROW_ROUTES
# Server regexes of the same look that backtrack only linearly: kept.
SAFE_ROUTES = [
    "/:a(\\d+)-:b(\\d+)",
    "/v/:version(\\d+(?:\\.\\d+)?)",
    "/:foo\\abc:bar",
    "/w/:a([a-z]+\\d+[a-z]+)",
    "/id/:id([0-9a-f]{24})",
    "/files/:id(\\d+)/*",
]


@pytest.mark.parametrize("text", NESTED_ROUTES)
def test_a_nested_repeat_in_a_server_regex_is_refused(text):
    with pytest.raises(RouteError, match="exponential time"):
        RoutePattern.parse(text)


@pytest.mark.parametrize("text", IN_A_ROW_ROUTES)
def test_repeats_in_a_row_in_a_server_regex_are_refused_naming_the_position(text):
    with pytest.raises(RouteError) as caught:
        RoutePattern.parse(text)
    start = text.index("(")  # where the route's own regex begins
    assert str(caught.value) == (
        "regular expression with repeats in a row over the same characters (it could "
        f"take polynomial time to match a long path) in route {text!r} at index {start}"
    )


@pytest.mark.parametrize("text", SAFE_ROUTES)
def test_server_regexes_without_repeats_in_a_row_are_kept(text):
    pattern = RoutePattern.parse(text)
    for path in ("/" + "a" * 5000 + "!", "/v/" + "1." * 5000, "/" + "1-" * 5000):
        finishes(lambda p=path: pattern.match(p))


def test_a_listing_with_evil_regexes_keeps_the_rest_and_matches_quickly():
    routes = [Route("GET", text) for text in EVIL_ROUTES + SAFE_ROUTES] + [
        Route("GET", "/:id(\\d+)"),
        Route("GET", "/files/*"),
        Route("GET", "/:a-:b-:c-:d"),
        Route("GET", "/instruments/:id?"),
    ]
    warnings: list[str] = []
    registry = Registry(routes, on_warning=warnings.append)
    assert [r.path for r in registry.routes] == [r.path for r in routes[len(EVIL_ROUTES):]]
    assert len(warnings) == len(EVIL_ROUTES)
    for text, warning in zip(EVIL_ROUTES, warnings, strict=True):
        assert warning.startswith(f"skipping route GET {text!r}: regular expression with ")
        assert "exponential time" in warning or "polynomial time" in warning
        assert f"at index {text.index('(')}" in warning
    for path in (
        "/" + "a" * 200,  # without the refusal, /:a(.*.*.*.*.*x) takes minutes on this
        "/" + "1" * 200,
        "/y/" + "-" * 2000,
        "/z/" + "b" * 2000,
        "/" + "a" * 5000 + "!",
        "/x/" + "a" * 5000 + "!",
        "/" + "a-" * 20000,
        "/files/" + "a/" * 20000,
        "/instruments/" + "%41" * 20000,
        "/" + "a" * 200_000,
    ):
        finishes(lambda p=path: registry.match(p))
        finishes(lambda p=path: registry.resolve("GET", p))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(["a", "-", ".", "/", "%41", "~", "é", "%"]), min_size=1,
                max_size=6),
       st.integers(1_000, 20_000))
def test_very_long_paths_match_the_seed_routes_quickly(unit, repeat):
    registry = Registry([
        Route("GET", "/public/v1/instruments/:id?"),
        Route("GET", "/public/v1/instruments/:id/commands/:cid?"),
        Route("POST", "/public/v1/instruments/:id/commands/:cid/kill"),
        Route("GET", "/api/generic/:entity/:id?"),
        Route("GET", "/:a.:b"),
        Route("GET", "/*rest"),
    ])
    path = "/public/v1/instruments/" + "".join(unit) * repeat
    finishes(lambda: registry.resolve("GET", path))
