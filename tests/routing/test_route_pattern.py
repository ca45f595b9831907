"""RoutePattern: syntax detection, structure, matching rules, building, errors."""

from __future__ import annotations

import pytest

from explorer.errors import DecodeError, RouteError
from explorer.routing import (
    Complex,
    Literal,
    Param,
    RoutePattern,
    decode_component,
    detect_syntax,
    encode_component,
)
from explorer.routing import express4 as e4
from explorer.routing.segments import PLAIN

DISCOVER = [
    "/public/v1/instruments/:id?",
    "/public/v1/instruments/:id/commands/:cid?",
    "/public/v1/instruments/:id/commands/:cid/kill",
]


# ------------------------------------------------------------------ syntax


@pytest.mark.parametrize(
    ("text", "syntax"),
    [
        ("/public/v1/instruments/:id?", "express4"),
        ("/x/:id", "express4"),
        ("/files/*", "express4"),
        ("/user/:user*", "express4"),
        ("/:page(\\d+)", "express4"),
        ("/user(s)?/:user", "express4"),
        ("/x{/:id}", "express5"),
        ("/*path", "express5"),
        ('/:"quoted name"', "express5"),
        ("/files/*.json", "express4"),
        ("/a/:id(\\d{3})", "express4"),  # "{" inside 0.1.x regex with "(" -> express4
        ("/x\\{y", "express4"),  # escaped brace is no group
    ],
)
def test_syntax_is_read_from_the_pattern(text, syntax):
    assert detect_syntax(text) == syntax
    assert RoutePattern.parse(text).syntax == syntax


def test_syntax_can_be_forced():
    assert RoutePattern.parse("/x/:id", syntax="express5").syntax == "express5"
    with pytest.raises(RouteError):
        RoutePattern.parse("/x/:id?", syntax="express5")
    with pytest.raises(RouteError):
        RoutePattern.parse("/x", syntax="express6")


# ------------------------------------------------------------------ the /discover patterns


def test_discover_patterns_match_like_express4():
    p1, p2, p3 = (RoutePattern.parse(t) for t in DISCOVER)
    assert p1.match("/public/v1/instruments") == {"id": None}
    assert p1.match("/public/v1/instruments/") == {"id": None}
    assert p1.match("/public/v1/instruments/abc/") == {"id": "abc"}
    assert p1.match("/public/v1/instruments//") is None
    assert p1.match("/public/v1/instruments/abc//") is None
    assert p1.match("/PUBLIC/V1/Instruments/AbC") == {"id": "AbC"}
    assert p2.match("/public/v1/instruments/a%2Fb/commands/c%2Fd") == {"id": "a/b", "cid": "c/d"}
    assert p2.match("/public/v1/instruments//commands") is None
    assert p3.match("/public/v1/instruments/1/commands/2/kill?force=1") == {"id": "1", "cid": "2"}
    assert p3.match("/public/v1/instruments/1/commands/2/kill#top") == {"id": "1", "cid": "2"}


def test_strict_routing_makes_the_trailing_slash_exact():
    p = RoutePattern.parse("/public/v1/instruments/:id?", strict=True)
    assert p.match("/public/v1/instruments") == {"id": None}
    assert p.match("/public/v1/instruments/") is None
    assert p.match("/public/v1/instruments/x") == {"id": "x"}


def test_sensitive_and_non_ending_matching():
    assert RoutePattern.parse("/User", sensitive=True).match("/user") is None
    use = RoutePattern.parse("/user", end=False)
    assert use.exec("/user/tj/edit").matched == "/user"
    assert use.exec("/username") is None
    assert RoutePattern.parse("/", end=False).exec("/anything").params == {}


def test_express5_trailing_option():
    assert RoutePattern.parse("/x{/:id}").match("/x/") == {"id": None}
    assert RoutePattern.parse("/x{/:id}", trailing=False).match("/x/") is None
    assert RoutePattern.parse("/x{/:id}").match("/x/1") == {"id": "1"}


def test_matching_never_decodes_before_matching():
    p = RoutePattern.parse("/a/:x")
    assert p.match("/a/%2e%2e") == {"x": ".."}
    assert p.match("/a/b%2Fc") == {"x": "b/c"}
    assert p.match("/a/foo+bar") == {"x": "foo+bar"}
    assert p.match("/a/%25") == {"x": "%"}
    assert RoutePattern.parse("/a/:x", decode=False).match("/a/%25") == {"x": "%25"}


@pytest.mark.parametrize("path", ["/a/%zz", "/a/%E9", "/a/%foobar", "/a/%", "/a/%C3"])
def test_malformed_percent_encoding_is_a_decode_error(path):
    with pytest.raises(DecodeError):
        RoutePattern.parse("/a/:x").match(path)
    with pytest.raises(DecodeError):
        RoutePattern.parse("/a{/:x}").match(path)


def test_duplicate_names_keep_the_later_defined_value():
    p = RoutePattern.parse("/:a/:b?/:b?")
    assert p.match("/1/2") == {"a": "1", "b": "2"}
    assert p.match("/1/2/3") == {"a": "1", "b": "3"}


def test_wildcards_are_lists_in_express5_and_strings_in_express4():
    assert RoutePattern.parse("/files/*path").match("/files/a/b%20c") == {"path": ["a", "b c"]}
    assert RoutePattern.parse("/files/*").match("/files/a/b%20c") == {"0": "a/b c"}
    assert RoutePattern.parse("*").match("/x/%41") == {"0": "/x/A"}


# ------------------------------------------------------------------ structure


def test_segments_shapes_and_expand_of_an_optional_id():
    p = RoutePattern.parse("/public/v1/instruments/:id?")
    assert p.segments == (
        Literal("public"), Literal("v1"), Literal("instruments"), Param("id", optional=True)
    )
    assert p.expand() == ["/public/v1/instruments", "/public/v1/instruments/:id"]
    assert p.shapes == [
        (Literal("public"), Literal("v1"), Literal("instruments")),
        (Literal("public"), Literal("v1"), Literal("instruments"), Param("id")),
    ]
    assert p.param_names == ("id",)
    assert p.required_params == ()
    assert p.optional_params == ("id",)
    assert p.is_plain


def test_express5_groups_expand_likewise():
    p = RoutePattern.parse("/public/v1/instruments{/:id}")
    assert p.expand() == ["/public/v1/instruments", "/public/v1/instruments/:id"]
    assert p.segments[-1] == Param("id", optional=True)
    assert p.shapes[1][-1] == Param("id")


def test_unreachable_shapes_are_left_out():
    assert RoutePattern.parse("/a/:b?/:c?").expand() == ["/a", "/a/:b", "/a/:b/:c"]


def test_complex_segments():
    p = RoutePattern.parse("/api/users/:from..:to")
    assert p.segments == (
        Literal("api"), Literal("users"), Complex(":from..:to", ("from", "to"))
    )
    assert not p.is_plain
    star = RoutePattern.parse("/files/*")
    assert star.segments == (Literal("files"), Complex("*", ("0",)))
    assert RoutePattern.parse("*").segments == (Complex("*", ("0",)),)
    assert RoutePattern.parse("/user(s)?/:op").segments[0] == Complex("user(s)?", ("0",))
    assert RoutePattern.parse("/*path{.:ext}").shapes == [
        (Complex("*path", ("path",)),),
        (Complex("*path.:ext", ("path", "ext")),),
    ]


def test_literal_segments_are_unescaped_and_trailing_slash_dropped_unless_strict():
    assert RoutePattern.parse("/\\(x\\)/y").segments == (Literal("(x)"), Literal("y"))
    assert RoutePattern.parse("/x/").segments == (Literal("x"),)
    assert RoutePattern.parse("/x/", strict=True).segments == (Literal("x"), Literal(""))
    assert RoutePattern.parse("/x/", syntax="express5").segments == (Literal("x"), Literal(""))


@pytest.mark.parametrize(
    "text",
    [*DISCOVER, "/", "", "/x/", "/a//b", "/a/:b?/:c?", "/v1.0/x/:id", "/:id?", "/a/b-c/:d_e"],
)
def test_the_plain_fast_path_agrees_with_the_full_parse(text):
    pattern = RoutePattern.parse(text)
    assert PLAIN.fullmatch(text)
    full = e4.parse(text)
    assert pattern.segments == e4.cut(full.tokens, text=text, strict=False)
    assert pattern.param_names == full.names
    assert sorted(pattern.expand()) == sorted(
        {"".join(t.src for t in tokens) or "/" for tokens, _n in e4.expansions(full)}
        & set(pattern.expand())
    )


# ------------------------------------------------------------------ building


def test_build_encodes_values_and_omits_missing_optionals():
    p = RoutePattern.parse("/public/v1/instruments/:id?")
    assert p.build({}) == "/public/v1/instruments"
    assert p.build({"id": None}) == "/public/v1/instruments"
    assert p.build({"id": "a/b c"}) == "/public/v1/instruments/a%2Fb%20c"
    assert RoutePattern.parse("/:id?").build({}) == "/"
    assert RoutePattern.parse("/x{/:id}").build({"id": "é"}) == "/x/%C3%A9"
    assert RoutePattern.parse("/files/*path").build({"path": ["a", "b c"]}) == "/files/a/b%20c"


def test_build_errors():
    p = RoutePattern.parse("/x/:id/y/:cid?")
    with pytest.raises(RouteError, match="missing required parameter 'id'"):
        p.build({"cid": "1"})
    with pytest.raises(RouteError, match="unknown parameter 'nope'"):
        p.build({"id": "1", "nope": "2"})
    with pytest.raises(RouteError, match="must not be empty"):
        p.build({"id": ""})
    with pytest.raises(RouteError, match="raw regular expression"):
        RoutePattern.parse("/user/\\d+").build({})
    with pytest.raises(RouteError, match="would not match back"):
        RoutePattern.parse("/a/:b?/:c?").build({"c": "1"})


def test_build_falls_back_to_encoding_separators_when_ambiguous():
    p = RoutePattern.parse("/:x-:y")
    path = p.build({"x": "a", "y": "b-c"})
    assert path == "/a-b%2Dc"
    assert p.match(path) == {"x": "a", "y": "b-c"}
    fmt = RoutePattern.parse("/:name.:format?")
    assert fmt.match(fmt.build({"name": "a.b"})) == {"name": "a.b", "format": None}


# ------------------------------------------------------------------ errors


@pytest.mark.parametrize(
    ("text", "position", "words"),
    [
        ("/x/:id?", 6, "unexpected '?'"),  # forced express5 below
        ("/x{/:id", 7, "expected '}'"),
        ("/x/:", 4, "missing parameter name"),
        ('/x/:"a', 4, "unterminated quote"),
        ("/x/\\", 4, "unexpected end"),
    ],
)
def test_express5_errors_name_the_pattern_and_index(text, position, words):
    with pytest.raises(RouteError) as info:
        RoutePattern.parse(text, syntax="express5")
    assert info.value.position == position
    assert info.value.pattern == text
    assert words in str(info.value)
    assert repr(text) in str(info.value)


def test_express5_semantic_errors():
    with pytest.raises(RouteError, match="missing text before 'bar'"):
        RoutePattern.parse("/:foo:bar", syntax="express5")
    with pytest.raises(RouteError, match="too many path combinations"):
        RoutePattern.parse("/x" + "{/:a}" * 9)


@pytest.mark.parametrize(
    ("text", "position"),
    [("/user/(", 6), ("/x/[a", 3), ("/:id(\\d+", 4), ("/x/a++", 4), ("/a/:b(?P<n>x)", 5),
     ("/a/\\k<x>", 3), ("/a/:x((", 5)],
)
def test_express4_raw_regex_errors_show_at_parse_time_naming_where_the_regex_starts(
    text, position
):
    """The position is in the route's own text (where its regex starts), never an
    offset in the regex it was translated to."""
    with pytest.raises(RouteError) as info:
        RoutePattern.parse(text, syntax="express4")
    assert info.value.pattern == text
    assert info.value.position == position
    assert str(info.value).endswith(f"in route {text!r} at index {position}")
    assert "at position" not in str(info.value)


def test_non_strings_are_rejected():
    with pytest.raises(RouteError):
        RoutePattern.parse(None)  # type: ignore[arg-type]


# ------------------------------------------------------------------ codec and identity


def test_codec():
    assert decode_component("caf%C3%A9%2F1") == "café/1"
    assert decode_component("%ce%b1") == "α"
    assert decode_component("") == ""
    assert encode_component("a/b c?é") == "a%2Fb%20c%3F%C3%A9"
    assert encode_component("-_.!~*'()") == "-_.!~*'()"
    with pytest.raises(DecodeError):
        decode_component("%ED%A0%80")  # an encoded surrogate is not UTF-8
    with pytest.raises(RouteError):
        encode_component("\ud800")


def test_patterns_compare_by_text_and_options():
    assert RoutePattern.parse("/x/:id") == RoutePattern.parse("/x/:id")
    assert RoutePattern.parse("/x/:id") != RoutePattern.parse("/x/:id", strict=True)
    assert len({RoutePattern.parse("/x"), RoutePattern.parse("/x")}) == 1
    assert "express4" in repr(RoutePattern.parse("/x"))
