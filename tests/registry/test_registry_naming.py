"""Command names: the seed APIs, explicit names, collisions, determinism."""

from __future__ import annotations

import random

from explorer.registry import Registry, Route


def _usages(reg: Registry) -> set[str]:
    return {e.usage for e in reg.entries}


def test_labos_names(labos):
    assert labos.prefix == "/public/v1"
    assert _usages(labos) == {
        "instruments list",
        "instruments get ID",
        "instruments create",
        "instruments replace ID",
        "instruments update ID",
        "instruments delete ID",
        "instruments commands list ID",
        "instruments commands get ID CID",
        "instruments commands create ID",
        "instruments commands kill ID CID",
        "instruments actions get ID AID",
    }


def test_a_get_with_an_optional_id_is_two_entries(labos):
    listing, one = (e for e in labos.entries if e.route.path.endswith("instruments/:id?"))
    assert (listing.name, listing.params, listing.required) == ("instruments list", (), ())
    assert (one.name, one.params, one.required) == ("instruments get", ("id",), ("id",))
    assert listing.route is one.route
    # each half serves its own shape, so pattern-level callers see the right params
    assert listing.pattern.text == "/public/v1/instruments"
    assert one.pattern.text == "/public/v1/instruments/:id"
    assert listing.pattern.param_names == () and one.pattern.param_names == ("id",)
    assert listing.path_for([]) == "/public/v1/instruments"
    assert one.path_for(["a/b"]) == "/public/v1/instruments/a%2Fb"


def test_labstep_names(labstep):
    assert labstep.prefix == ""
    assert _usages(labstep) == {
        "public-api user login",
        "api generic protocol list",
        "api generic protocol get ID",
        "api generic protocol create",
        "api generic protocol replace ID",
        "api generic file upload",
    }


def test_the_prefix_stops_before_a_resource():
    assert Registry([Route("POST", "/public-api/user/login")]).prefix == "/public-api/user"
    assert Registry([Route("POST", "/public-api/user/login")]).command_names() == ["login"]
    only_kill = Registry([Route("POST", "/public/v1/instruments/:id/commands/:cid/kill")])
    assert only_kill.prefix == "/public/v1"
    assert only_kill.command_names() == ["instruments commands kill"]
    assert Registry([Route("GET", "/"), Route("GET", "/a/b")]).prefix == ""
    assert Registry([]).prefix == ""


def test_verbs_for_other_methods_and_endings():
    reg = Registry([
        Route("OPTIONS", "/things"),
        Route("POST", "/things/:id"),
        Route("GET", "/things/:id/raw.:format"),
        Route("GET", "/other"),
    ])
    assert sorted(_usages(reg)) == [
        "other list", "things get ID FORMAT", "things options", "things post ID"
    ]


def test_an_explicit_command_wins_and_is_not_split():
    reg = Registry([Route("GET", "/x/:id?", command="show things")])
    (entry,) = reg.entries
    assert entry.usage == "show things [ID]" and entry.explicit


def test_collisions_get_a_visible_suffix():
    reg = Registry([Route("GET", "/files/:id"), Route("GET", "/files/:name.:ext")])
    assert sorted(_usages(reg)) == [
        "files get by-id ID", "files get by-name-ext NAME EXT"
    ]
    by_method = Registry([Route("PURGE", "/cache"), Route("POST", "/cache/purge")])
    assert by_method.command_names() == ["cache purge post", "cache purge purge"]
    numbered = Registry(
        [Route("POST", "/a/b/create"), Route("POST", "/a/b"), Route("GET", "/a/b/:id")]
    )
    assert numbered.prefix == "/a"
    assert {e.route.path: e.name for e in numbered.entries if e.method == "POST"} == {
        "/a/b": "b create post 1",
        "/a/b/create": "b create post 2",
    }
    same_params = Registry([Route("GET", "/s/:id"), Route("GET", "/s/:id.json")])
    assert same_params.command_names() == ["s get by-id 1", "s get by-id 2"]


def test_an_explicit_name_keeps_it_and_the_derived_one_moves():
    reg = Registry([Route("GET", "/x"), Route("POST", "/y", command="x list")])
    assert sorted(reg.command_names()) == ["x list", "x list get"]
    assert reg.lookup_command(["x", "list"])[0].method == "POST"


def test_names_do_not_depend_on_the_input_order(labos_routes, labstep_routes):
    extra = [Route("GET", "/files/:id"), Route("GET", "/files/:n.:e")]
    routes = labos_routes + labstep_routes + extra
    expected = {(e.method, e.route.path, e.name) for e in Registry(routes).entries}
    rng = random.Random(4)
    for _ in range(20):
        shuffled = routes[:]
        rng.shuffle(shuffled)
        reg = Registry(shuffled)
        assert {(e.method, e.route.path, e.name) for e in reg.entries} == expected
