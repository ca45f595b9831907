"""Registry.resolve and Registry.match: which entry serves a concrete path."""

from __future__ import annotations

import pytest

from explorer.errors import DecodeError
from explorer.registry import Registry, Route


def test_get_one_and_the_list(labos):
    one = labos.resolve("GET", "/public/v1/instruments/abc")
    assert one.entry is not None and one.entry.name == "instruments get"
    assert one.params == {"id": "abc"}
    listing = labos.resolve("GET", "/public/v1/instruments")
    assert listing.entry is not None and listing.entry.name == "instruments list"
    assert listing.params == {"id": None}


def test_404_and_405_are_told_apart_by_allowed(labos):
    missing = labos.resolve("GET", "/public/v1/nothing/here")
    assert missing.entry is None and missing.allowed == frozenset()
    wrong = labos.resolve("POST", "/public/v1/instruments/abc")
    assert wrong.entry is None
    assert wrong.allowed == {"GET", "HEAD", "PUT", "PATCH", "DELETE"}
    assert labos.resolve("GET", "/public/v1/instruments").allowed == {"GET", "HEAD", "POST"}


def test_head_falls_back_to_get(labos):
    head = labos.resolve("HEAD", "/public/v1/instruments/abc")
    assert head.entry is not None and head.entry.method == "GET"
    assert head.params == {"id": "abc"}
    own = Registry([Route("GET", "/x"), Route("HEAD", "/x")]).resolve("head", "/x")
    assert own.entry is not None and own.entry.method == "HEAD"


def test_literal_edges_beat_param_edges_whatever_the_order():
    routes = [Route("GET", "/users/:id"), Route("GET", "/users/me")]
    for ordered in (routes, routes[::-1]):
        reg = Registry(ordered)
        assert reg.resolve("GET", "/users/me").entry.route.path == "/users/me"
        assert reg.resolve("GET", "/users/you").params == {"id": "you"}


def test_first_registered_wins_among_equals():
    reg = Registry([Route("GET", "/x/:a"), Route("GET", "/x/:b")])
    found = reg.resolve("GET", "/x/1")
    assert found.entry.route.path == "/x/:a" and found.params == {"a": "1"}
    assert [e.route.path for e, _p in reg.match("/x/1")] == ["/x/:a", "/x/:b"]


def test_one_optional_trailing_slash_and_never_an_empty_param(labos):
    assert labos.resolve("GET", "/public/v1/instruments/").entry.name == "instruments list"
    assert labos.resolve("GET", "/public/v1/instruments/abc/").params == {"id": "abc"}
    assert labos.resolve("GET", "/public/v1/instruments//").allowed == frozenset()
    assert labos.resolve("GET", "/public/v1/instruments/abc//").allowed == frozenset()
    assert labos.resolve("GET", "/public/v1/instruments//commands").allowed == frozenset()


def test_literals_are_case_insensitive_and_values_keep_their_case(labos):
    found = labos.resolve("GET", "/PUBLIC/V1/Instruments/AbC")
    assert found.entry.name == "instruments get" and found.params == {"id": "AbC"}


def test_encoded_slashes_stay_inside_their_segment(labos):
    found = labos.resolve("GET", "/public/v1/instruments/a%2Fb/commands/c%2Fd")
    assert found.entry.name == "instruments commands get"
    assert found.params == {"id": "a/b", "cid": "c/d"}


def test_query_and_fragment_are_ignored_and_a_missing_slash_is_added(labos):
    assert labos.resolve("GET", "/public/v1/instruments?limit=5&x=/y").entry.name == (
        "instruments list"
    )
    assert labos.resolve("GET", "public/v1/instruments/1#frag").params == {"id": "1"}


def test_malformed_percent_encoding_raises_decode_error(labos):
    with pytest.raises(DecodeError):
        labos.resolve("GET", "/public/v1/instruments/%zz")
    with pytest.raises(DecodeError):
        labos.match("/public/v1/instruments/%E9")


def test_complex_patterns_are_confirmed_by_the_pattern():
    reg = Registry(
        [
            Route("GET", "/files/:name.:ext?"),
            Route("GET", "/files/*"),
            Route("GET", "/api/users/:from..:to"),
            Route("GET", "/v/{/:id}", command="v show"),
            Route("GET", "/user/\\d+"),
        ]
    )
    assert reg.resolve("GET", "/files/a.json").params == {"name": "a", "ext": "json"}
    assert reg.resolve("GET", "/files/a").params == {"name": "a", "ext": None}
    assert reg.resolve("GET", "/files/a/b.c").params == {"0": "a/b.c"}
    assert reg.resolve("GET", "/api/users/1..50").params == {"from": "1", "to": "50"}
    assert reg.resolve("GET", "/api/users/150").entry is None
    assert reg.resolve("GET", "/user/10").entry.route.path == "/user/\\d+"
    assert reg.resolve("GET", "/user/tj").entry is None


def test_express5_patterns_are_matched_too():
    reg = Registry([Route("GET", "/docs{/:id}"), Route("GET", "/raw/*path")])
    assert reg.resolve("GET", "/docs").params == {"id": None}
    assert reg.resolve("GET", "/docs/7").params == {"id": "7"}
    assert reg.resolve("GET", "/raw/a/b%20c").params == {"path": ["a", "b c"]}
    assert reg.resolve("GET", "/raw").entry is None


def test_match_lists_every_entry_best_first(labos):
    found = labos.match("/public/v1/instruments/abc")
    assert [(e.method, e.name) for e, _p in found] == [
        ("GET", "instruments get"),
        ("PUT", "instruments replace"),
        ("PATCH", "instruments update"),
        ("DELETE", "instruments delete"),
    ]
    assert all(params == {"id": "abc"} for _e, params in found)
    assert labos.match("/nowhere") == []
