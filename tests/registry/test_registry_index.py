"""Building from bad input, dump/load, fingerprint and diff."""

from __future__ import annotations

import json
import random

import pytest

from explorer.errors import DiscoveryError
from explorer.registry import Registry, Route
from explorer.registry.registry import RouteIndexError
from explorer.routing import RoutePattern


def test_bad_routes_are_skipped_with_one_warning_each():
    warnings: list[str] = []
    reg = Registry(
        [
            Route("GET", "/ok/:id"),
            Route("GET", "/broken/(unclosed"),
            Route("FETCH", "/x"),
            Route("GET", "/ok/:id"),
            Route("get", "/ok/:id"),
            "GET /not-a-route",  # type: ignore[list-item]
            Route("GET", "/too/{/:a}{/:b}{/:c}{/:d}{/:e}{/:f}{/:g}{/:h}{/:i}"),
            Route("GET", 42),  # type: ignore[arg-type]
            Route("post", "/ok"),
        ],
        on_warning=warnings.append,
    )
    assert [(e.method, e.route.path) for e in reg.entries] == [("GET", "/ok/:id"), ("POST", "/ok")]
    assert len(warnings) == 7
    assert "'/broken/(unclosed'" in warnings[0]
    assert "unknown method 'FETCH'" in warnings[1]
    assert "duplicate" in warnings[2] and "duplicate" in warnings[3]
    assert "not a route" in warnings[4]
    assert "too many path combinations" in warnings[5]
    assert "must be strings" in warnings[6]


def test_no_warning_callback_is_needed():
    assert len(Registry([Route("GET", "/(")])) == 0


def _round_trip(reg: Registry) -> Registry:
    return Registry.load(json.loads(json.dumps(reg.dump())))


def test_dump_and_load_round_trip(labos_routes):
    routes = [
        *labos_routes,
        Route("GET", "/files/*", summary="raw files", query_params=("depth",), max_upload=10),
        Route("POST", "/things", command="things make", body_schema={"type": "object"}),
        Route("GET", "/docs{/:id}"),
    ]
    reg = Registry(routes)
    loaded = _round_trip(reg)
    assert loaded == reg
    assert loaded.dump() == reg.dump()
    assert loaded.entries == reg.entries
    assert loaded.routes == reg.routes == routes
    assert loaded.prefix == reg.prefix and loaded.fingerprint == reg.fingerprint
    assert loaded.command_names() == reg.command_names()
    for method, path in [
        ("GET", "/public/v1/instruments/a%2Fb"),
        ("POST", "/public/v1/instruments/1"),
        ("GET", "/files/a/b"),
        ("GET", "/docs/3"),
        ("HEAD", "/public/v1/instruments"),
    ]:
        assert loaded.resolve(method, path) == reg.resolve(method, path)
    for prefix in ["", "/public/v1/", "/public/v1/instruments/x/", "/files/"]:
        assert loaded.children(prefix) == reg.children(prefix)
    assert loaded.lookup_command(["things", "make"])[0].route.body_schema == {"type": "object"}


def test_load_parses_no_pattern_until_used(monkeypatch, labos):
    dumped = json.loads(json.dumps(labos.dump()))
    parsed: list[str] = []
    original = RoutePattern.parse.__func__

    def counting(cls, text, **options):
        parsed.append(text)
        return original(cls, text, **options)

    monkeypatch.setattr(RoutePattern, "parse", classmethod(counting))
    loaded = Registry.load(dumped)
    loaded.resolve("GET", "/public/v1/instruments/1")  # trie-exact: nothing to parse
    loaded.children("/public/v1/instruments/1/")
    loaded.lookup_command(["instruments", "get", "1"])
    assert parsed == []
    entry, _rest = loaded.lookup_command(["instruments", "get", "1"])
    assert entry.path_for(["1"]) == "/public/v1/instruments/1"
    assert parsed == ["/public/v1/instruments/:id"]


@pytest.mark.parametrize(
    "data",
    [
        None,
        {},
        {"format": "something-else"},
        {"format": "explorer-registry", "version": 1},
        {"format": "explorer-registry", "version": 6, "routes": []},
    ],
)
def test_load_rejects_what_it_cannot_use(data):
    with pytest.raises(RouteIndexError) as info:
        Registry.load(data)  # type: ignore[arg-type]
    assert isinstance(info.value, DiscoveryError) and isinstance(info.value, ValueError)


def test_fingerprint_is_stable_and_order_independent(labos_routes, labstep_routes):
    one = Registry(labos_routes).fingerprint
    assert one == Registry(labos_routes).fingerprint
    shuffled = labos_routes[:]
    random.Random(1).shuffle(shuffled)
    assert Registry(shuffled).fingerprint == one
    assert Registry([*labos_routes, Route("GET", "/new")]).fingerprint != one
    assert len(one) == 64 and int(one, 16) >= 0
    assert Registry(labstep_routes).fingerprint != one


def test_diff(labos_routes):
    old = Registry(labos_routes)
    new = Registry([*labos_routes[1:], Route("GET", "/public/v1/robots")])
    added, removed = new.diff(old)
    assert added == [Route("GET", "/public/v1/robots")]
    assert removed == [labos_routes[0]]
    assert old.diff(Registry(labos_routes)) == ([], [])
    assert old.diff(new) == ([labos_routes[0]], [Route("GET", "/public/v1/robots")])


def test_len_iter_and_repr(labos):
    assert len(labos) == 11 == len(list(labos))
    assert list(labos) == labos.entries
    assert "9 routes" in repr(labos)
