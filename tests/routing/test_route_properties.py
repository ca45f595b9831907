"""Property tests: build/match round trips, parse and match never fail unexpectedly,
and no pattern/path combination takes long (a generous guard, not a speed test)."""

from __future__ import annotations

import threading

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from explorer.errors import DecodeError, RouteError
from explorer.routing import RoutePattern

SETTINGS = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
GUARD_SECONDS = 5.0

names = st.from_regex(r"[a-z][a-z0-9_]{0,5}", fullmatch=True)
literals = st.from_regex(r"[a-z0-9][a-z0-9_~-]{0,6}", fullmatch=True)
values = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=12)


def _unique(parts: list[tuple[str, str | None]]) -> bool:
    seen = [n for _src, n in parts if n is not None]
    return len(seen) == len(set(seen))


@st.composite
def express4_patterns(draw) -> tuple[str, list[tuple[str, bool]]]:
    """Patterns of 0.1.x syntax: literals, :p, :p?, :a-:b, :name.:ext?."""
    pieces: list[str] = []
    params: list[tuple[str, bool]] = []
    used: set[str] = set()

    def fresh() -> str:
        name = draw(names.filter(lambda n: n not in used))
        used.add(name)
        return name

    for _ in range(draw(st.integers(1, 5))):
        kind = draw(st.sampled_from(["lit", "lit", "param", "optional", "pair", "format"]))
        if kind == "lit":
            pieces.append("/" + draw(literals))
        elif kind == "param":
            name = fresh()
            pieces.append(f"/:{name}")
            params.append((name, False))
        elif kind == "optional":
            name = fresh()
            pieces.append(f"/:{name}?")
            params.append((name, True))
        elif kind == "pair":
            a, b = fresh(), fresh()
            sep = draw(st.sampled_from(["-", "~", "@@"]))
            pieces.append(f"/:{a}{sep}:{b}")
            params += [(a, False), (b, False)]
        else:
            a, b = fresh(), fresh()
            optional = draw(st.booleans())
            pieces.append(f"/:{a}.:{b}" + ("?" if optional else ""))
            params += [(a, False), (b, optional)]
    return "".join(pieces), params


@st.composite
def express5_patterns(draw) -> tuple[str, list[tuple[str, bool]]]:
    """Patterns of 8.x syntax: literals, :p, {/:p}, *rest at the end, {.:ext}."""
    pieces: list[str] = []
    params: list[tuple[str, bool]] = []
    used: set[str] = set()

    def fresh() -> str:
        name = draw(names.filter(lambda n: n not in used))
        used.add(name)
        return name

    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["lit", "lit", "param", "group", "ext"]))
        if kind == "lit":
            pieces.append("/" + draw(literals))
        elif kind == "param":
            name = fresh()
            pieces.append(f"/:{name}")
            params.append((name, False))
        elif kind == "group":
            name = fresh()
            pieces.append(f"{{/:{name}}}")
            params.append((name, True))
        else:
            a, b = fresh(), fresh()
            pieces.append(f"/:{a}{{.:{b}}}")
            params += [(a, False), (b, True)]
    if draw(st.booleans()):
        name = fresh()
        pieces.append(f"/*{name}")
        params.append((name, False))
    return "".join(pieces), params


@st.composite
def pattern_and_params(draw):
    text, params = draw(st.one_of(express4_patterns(), express5_patterns()))
    pattern = RoutePattern.parse(text)
    chosen: dict[str, object] = {}
    for name, optional in params:
        if optional and draw(st.booleans()):
            chosen[name] = None
        elif name == params[-1][0] and text.endswith("/*" + name):
            chosen[name] = draw(st.lists(values, min_size=1, max_size=3))
        else:
            chosen[name] = draw(values)
    return pattern, chosen


@SETTINGS
@given(pattern_and_params())
def test_match_of_build_gives_the_params_back(case):
    pattern, params = case
    try:
        path = pattern.build(params)
    except RouteError:
        # only patterns with several optional parts can lack a path for some choices
        assert len(pattern.optional_params) >= 1 and any(v is None for v in params.values())
        return
    assert pattern.match(path) == params


@SETTINGS
@given(express4_patterns(), st.data())
def test_build_always_succeeds_with_at_most_one_optional_filled_in_order(case, data):
    text, params = case
    pattern = RoutePattern.parse(text)
    chosen = {name: data.draw(values) for name, _optional in params}
    path = pattern.build(chosen)
    assert pattern.match(path) == chosen


PATTERN_CHARS = "/:?*(){}[]\\.+-|^$!@<>=,aZ09_\"é "


@SETTINGS
@given(st.one_of(st.text(max_size=40), st.text(PATTERN_CHARS, max_size=30)))
def test_parse_of_any_text_succeeds_or_raises_route_error(text):
    for syntax in (None, "express4", "express5"):
        try:
            pattern = RoutePattern.parse(text, syntax=syntax)
        except RouteError:
            continue
        try:
            pattern.expand()
            pattern.segments  # noqa: B018
            pattern.param_names  # noqa: B018
        except RouteError:
            pass
        for path in ("/", "/a", "/a/b", "/%41"):
            try:
                pattern.match(path)
            except DecodeError:
                pass


@SETTINGS
@given(st.one_of(express4_patterns(), express5_patterns()), st.text(max_size=60))
def test_match_of_any_path_returns_or_raises_decode_error(case, path):
    pattern = RoutePattern.parse(case[0])
    try:
        result = pattern.match(path)
    except DecodeError:
        return
    assert result is None or set(result) == set(pattern.param_names)


@SETTINGS
@given(
    st.one_of(express4_patterns(), express5_patterns()),
    st.lists(st.sampled_from(["a", "-", ".", "/", "~", "x", "%41", "_x"]), max_size=12),
    st.integers(50, 400),
)
def test_no_generated_pattern_is_slow_on_repetitive_paths(case, unit, repeat):
    pattern = RoutePattern.parse(case[0])
    path = "/" + "".join(unit) * repeat + "/z"
    _finishes(lambda: pattern.match(path))


ADVERSARIAL = [
    ("/:a-:b-:c-:d", "/" + "a-" * 4000 + "/z"),
    ("/:a-:b-:c-:d", "/" + "-" * 8000),
    ("/:a.:b.:c.:d", "/" + "a." * 4000 + "/z"),
    ("/x/:a-:b-:c/:d-:e-:f", "/x/" + "a-" * 3000 + "/" + "a-" * 3000),
    ("/:a-:b-*c-:d", "/" + "a-" * 4000 + "/z"),
    ("/*a-*b-*c", "/" + "a-" * 4000 + "/z"),
    ("/*a/*b/*c/:d", "/" + "a/" * 3000 + "/"),
    ("/:a{-:b}{-:c}{-:d}", "/" + "a-" * 4000 + "/z"),
    ("/:foo{abc:bar}", "/" + "abc" * 4000 + "/"),
]


def test_known_backtracking_traps_finish():
    for text, path in ADVERSARIAL:
        pattern = RoutePattern.parse(text)
        _finishes(lambda p=pattern, s=path: p.match(s))


def _finishes(work) -> None:
    errors: list[BaseException] = []

    def run() -> None:
        try:
            work()
        except DecodeError:
            pass
        except BaseException as exc:  # re-raised in the test thread below
            errors.append(exc)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(GUARD_SECONDS)
    assert not thread.is_alive(), "matching did not finish (catastrophic backtracking?)"
    if errors:
        raise errors[0]
