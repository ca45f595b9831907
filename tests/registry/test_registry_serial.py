"""The cache form (explorer.registry.serial): the same registry back, read piece by piece."""

from __future__ import annotations

import pytest

from explorer.discovery import DiscoveryCache
from explorer.registry import Registry, Route
from explorer.registry.registry import RouteIndexError
from explorer.registry.serial import IndexFile

ODD = [
    Route("GET", "/files/*", summary="raw files", query_params=("depth",), max_upload=10),
    Route("POST", "/things", command="things make", body_schema={"type": "object"}),
    Route("GET", "/docs{/:id}"),
    Route("GET", "/Mixed/Case/:id"),
    Route("GET", "/a//b"),
    Route("GET", "/ünï/cödé"),
]


def _many(families: int) -> list[Route]:
    routes = []
    for n in range(families):
        base = f"/public/v1/family-{n}"
        routes += [Route("GET", base + "/:id?", query_params=("status",)),
                   Route("POST", base), Route("DELETE", base + "/:id"),
                   Route("GET", base + "/:id/runs/:rid?"),
                   Route("POST", base + "/:id/runs/:rid/kill")]
    return routes


def _cached(tmp_path, registry: Registry) -> Registry:
    cache = DiscoveryCache(tmp_path, "http://127.0.0.1:9", "discover:/discover")
    cache.write("v1", registry)
    entry = cache.read()
    assert entry is not None
    return entry.registry


def test_the_cache_form_gives_the_same_registry(tmp_path, labos_routes):
    built = Registry([*labos_routes, *ODD, *_many(30)])
    cached = _cached(tmp_path, built)
    for method, path in [
        ("GET", "/public/v1/instruments/a%2Fb"), ("POST", "/public/v1/instruments/1"),
        ("HEAD", "/public/v1/instruments"), ("GET", "/files/a/b"), ("GET", "/docs/3"),
        ("GET", "/docs"), ("GET", "/mixed/CASE/7"), ("GET", "/a//b"), ("GET", "/ünï/cödé"),
        ("DELETE", "/public/v1/family-29/x"), ("POST", "/public/v1/family-3/1/runs/2/kill"),
        ("GET", "/nowhere"), ("PUT", "/things"),
    ]:
        assert cached.resolve(method, path) == built.resolve(method, path), (method, path)
    for words in (["things", "make"], ["family-7", "list"], ["instruments", "get", "1"],
                  ["FAMILY-7", "RUNS", "KILL", "1", "2"], ["nothing", "here"], []):
        assert cached.find_command(words) == built.find_command(words), words
    for prefix in ["", "/public/v1/", "/public/v1/instruments/x/", "/files/", "/mixed/"]:
        assert cached.children(prefix) == built.children(prefix)
    assert cached.commands_starting(["family-2"]) == built.commands_starting(["family-2"])
    assert cached.command_names() == built.command_names()
    assert cached.entries == built.entries and cached.routes == built.routes
    assert cached.fingerprint == built.fingerprint and cached.prefix == built.prefix
    assert cached == built  # dump() decodes the whole trie back


def test_a_wide_node_gives_the_same_children_and_matches(tmp_path):
    built = Registry(_many(200))  # 200 families under /public/v1/: hashed edges
    cached = _cached(tmp_path, built)
    assert cached.resolve("GET", "/public/v1/FAMILY-150/x") == built.resolve(
        "GET", "/public/v1/FAMILY-150/x")
    assert cached.resolve("GET", "/public/v1/nothing/x").entry is None
    assert cached.children("/public/v1/") == built.children("/public/v1/")
    assert cached.children("/public/v1/family-7/") == built.children("/public/v1/family-7/")
    assert cached == built


def test_one_lookup_decodes_only_the_rows_and_nodes_on_its_way(tmp_path):
    built = Registry(_many(2_000))  # 10,000 routes
    cached = _cached(tmp_path, built)
    routes, entries = cached._route_rows, cached._entry_rows
    assert (routes.decoded, entries.decoded) == (0, 0)
    found = cached.resolve("GET", "/public/v1/family-1234/abc")
    assert found == built.resolve("GET", "/public/v1/family-1234/abc")
    assert routes.decoded == 1 and entries.decoded <= 2
    nodes = cached._root()._nodes
    assert nodes.decoded <= 6  # root, public, v1, family-1234, :id and no others
    assert len(nodes._edges) == 1  # of the 2,000 edges under /public/v1/, one bucket
    entry, rest = cached.lookup_command(["family-1999", "runs", "kill", "1", "2"])
    assert entry.route.path == "/public/v1/family-1999/:id/runs/:rid/kill" and rest == ["1", "2"]
    assert routes.decoded == 2 and entries.decoded <= 3
    assert cached._names is None  # no list of every name was built


def test_an_index_cut_short_or_of_another_token_is_not_used(tmp_path):
    cache = DiscoveryCache(tmp_path, "http://127.0.0.1:9", "discover:/discover")
    cache.write("v1", Registry(_many(3)))
    data = cache.index_path.read_bytes()
    token = data.split(b"\n", 1)[0].split(b" ")[2].decode()
    assert IndexFile.open(cache.index_path, token).count("routes") == 15
    with pytest.raises(ValueError):
        IndexFile.open(cache.index_path, "another")
    cache.index_path.write_bytes(data[: len(data) // 2])
    assert cache.read() is None
    cache.index_path.write_bytes(b"")
    assert cache.read() is None


def test_a_damaged_header_is_a_route_index_error(tmp_path):
    cache = DiscoveryCache(tmp_path, "http://127.0.0.1:9", "discover:/discover")
    cache.write("v1", Registry(_many(1)))
    token = cache.index_path.read_bytes().split(b"\n", 1)[0].split(b" ")[2].decode()
    index = IndexFile.open(cache.index_path, token)
    index.header["entries"] = 99
    with pytest.raises(RouteIndexError):
        Registry.from_index(index)


def test_an_index_whose_header_lies_is_not_used(tmp_path):
    import json
    import struct

    cache = DiscoveryCache(tmp_path, "http://127.0.0.1:9", "discover:/discover")
    cache.write("v1", Registry(_many(2)))
    data = cache.index_path.read_bytes()
    at, size = struct.unpack("<QQ", data[-16:])
    header = json.loads(data[at : at + size])
    header["sections"]["methods"][2] = 0  # no methods blob at all
    text = json.dumps(header).encode()
    cache.index_path.write_bytes(data[:at] + text + struct.pack("<QQ", at, len(text)))
    assert cache.read() is None
    cache.index_path.write_bytes(data[:-1])  # its last byte lost
    assert cache.read() is None
