"""The discovery cache and loader against a stub server."""

from __future__ import annotations

import json
import os
import time

import pytest

from explorer.client import Client
from explorer.discovery import (
    DiscoverSource,
    Discovery,
    DiscoveryCache,
    RoutesFileSource,
    SpecSource,
)
from explorer.errors import DiscoveryError, TransportError


def make(stub, tmp_path, ttl=3600.0, warnings=None):
    client = Client(stub.url, retries=0, timeout=5, transport=stub.transport)
    source = DiscoverSource()
    cache = DiscoveryCache(tmp_path, client.base_url, source.key)
    return Discovery(
        client,
        source,
        cache=cache,
        ttl=ttl,
        warn=(warnings if warnings is not None else []).append,
    )


def paths(registry):
    return sorted({(e.method, e.route.path) for e in registry.entries})


def test_first_load_fetches_and_writes_the_cache(stub, tmp_path):
    d = make(stub, tmp_path)
    registry = d.load()
    assert d.state == "fetched"
    assert ("POST", "/public/v1/instruments") in paths(registry)
    assert len(stub.requests) == 1
    files = sorted(p.suffix for p in (tmp_path / "discovery").iterdir())
    assert files == [".index", ".json"]  # the source document is not kept (no spec data here)


def test_fresh_cache_makes_no_request(stub, tmp_path):
    make(stub, tmp_path).load()
    d = make(stub, tmp_path)
    registry = d.load()
    assert d.state == "cached"
    assert len(stub.requests) == 1
    assert ("GET", "/public/v1/instruments/:id?") in paths(registry)


def test_stale_cache_revalidates_with_the_etag(stub, tmp_path):
    make(stub, tmp_path).load()
    d = make(stub, tmp_path, ttl=0)
    d.load()
    assert d.state == "revalidated"
    assert stub.requests[-1]["if_none_match"]


def test_stale_cache_with_a_changed_server(stub, tmp_path):
    make(stub, tmp_path).load()
    stub.routes.append({"method": "DELETE", "path": "/public/v1/instruments/:id"})
    d = make(stub, tmp_path, ttl=0)
    assert ("DELETE", "/public/v1/instruments/:id") in paths(d.load())
    assert d.state == "fetched"


def test_unreachable_server_falls_back_to_the_cache(stub, tmp_path):
    make(stub, tmp_path).load()
    stub.stop()
    warnings = []
    d = make(stub, tmp_path, ttl=0, warnings=warnings)
    registry = d.load()
    assert d.state == "offline"
    assert len(registry)
    assert len(warnings) == 1 and "using the routes cached" in warnings[0]


def test_malformed_answer_falls_back_to_the_cache(stub, tmp_path):
    make(stub, tmp_path).load()
    stub.body = b"{garbage"
    warnings = []
    d = make(stub, tmp_path, ttl=0, warnings=warnings)
    assert len(d.load())
    assert d.state == "offline"
    assert "not JSON" in warnings[0]


def test_no_cache_and_malformed_answer_is_an_error(stub, tmp_path):
    stub.body = b"{garbage"
    with pytest.raises(DiscoveryError, match="not JSON"):
        make(stub, tmp_path).load()


def test_no_cache_and_unreachable_is_an_error(stub, tmp_path):
    stub.stop()
    with pytest.raises(TransportError):
        make(stub, tmp_path).load()


def test_error_status_is_named(stub, tmp_path):
    stub.status = 403
    stub.body = json.dumps({"code": 403, "message": "Invalid token"}).encode()
    with pytest.raises(DiscoveryError, match="GET /discover answered 403: Invalid token"):
        make(stub, tmp_path).load()


def test_corrupt_cache_is_ignored(stub, tmp_path):
    make(stub, tmp_path).load()
    for p in (tmp_path / "discovery").glob("*.json"):
        p.write_text('{"format": 1, "trunc')
    d = make(stub, tmp_path)
    assert len(d.load())
    assert d.state == "fetched"


def test_every_miss_refetches_rate_limited(stub, tmp_path, monkeypatch):
    from explorer.discovery import loader

    make(stub, tmp_path).load()  # an earlier process wrote the cache
    d = make(stub, tmp_path)
    d.load()
    assert d.state == "cached" and len(stub.requests) == 1
    stub.routes.append({"method": "GET", "path": "/public/v1/labware/:id?"})
    change = d.refetch_on_miss()
    assert [(r.method, r.path) for r in change.added] == [("GET", "/public/v1/labware/:id?")]
    assert d.refetch_on_miss() is None  # moments later: the answer would be the same
    assert len(stub.requests) == 2
    # not once per process: once the interval has passed, the next miss asks again
    monkeypatch.setattr(loader, "MISS_EVERY", 0.0)
    stub.routes.append({"method": "GET", "path": "/public/v1/samples/:id?"})
    change = d.refetch_on_miss()
    assert [(r.method, r.path) for r in change.added] == [("GET", "/public/v1/samples/:id?")]
    assert len(stub.requests) == 3


def test_a_write_lets_the_next_miss_refetch_at_once(stub, tmp_path):
    d = make(stub, tmp_path)
    d.load()
    assert d.refetch_on_miss() is None  # just fetched
    d.note_write()  # say, POST /_sandbox/families/labware
    stub.routes.append({"method": "GET", "path": "/public/v1/labware/:id?"})
    assert d.refetch_on_miss().added
    assert d.refetch_on_miss() is None  # one write, one refetch
    assert len(stub.requests) == 2


def test_a_failed_refetch_waits_its_turn_too(stub, tmp_path):
    warnings = []
    make(stub, tmp_path).load()
    d = make(stub, tmp_path, warnings=warnings)
    d.load()
    stub.status = 500
    assert d.refetch_on_miss() is None
    assert any("could not refresh the routes" in w for w in warnings)
    assert d.refetch_on_miss() is None  # the second miss sends nothing
    assert len(stub.requests) == 2 and len(warnings) == 1


def test_refetch_on_miss_is_a_conditional_request(stub, tmp_path):
    make(stub, tmp_path).load()
    d = make(stub, tmp_path)
    d.load()
    assert not d.refetch_on_miss()  # nothing changed: the server says 304
    assert len(stub.requests) == 2
    assert stub.requests[-1]["if_none_match"]  # the cached ETag
    assert d.state == "revalidated"


def test_cold_cache_fetches_once_even_when_a_path_is_unknown(stub, tmp_path):
    d = make(stub, tmp_path)
    d.load()
    assert d.refetch_on_miss() is None  # this process has just fetched: nothing to learn
    assert len(stub.requests) == 1


def test_refresh_on_a_cold_cache_fetches_once(stub, tmp_path):
    d = make(stub, tmp_path)
    change = d.refresh()
    assert len(stub.requests) == 1 and stub.requests[0]["if_none_match"] is None
    assert {(r.method, r.path) for r in change.added} == {
        ("GET", "/public/v1/instruments/:id?"),
        ("POST", "/public/v1/instruments"),
    }
    assert change.initial and change.lines() == ["2 routes fetched (none were cached)"]


def test_refresh_compares_with_the_cache_without_fetching_it_first(stub, tmp_path):
    make(stub, tmp_path).load()
    stub.routes.pop()
    d = make(stub, tmp_path)
    change = d.refresh()
    assert len(stub.requests) == 2 and stub.requests[-1]["if_none_match"] is None
    assert change.lines() == ["- POST /public/v1/instruments"]


def test_refresh_reports_removed(stub, tmp_path):
    d = make(stub, tmp_path)
    d.load()
    stub.routes.pop()
    change = d.refresh()
    assert [(r.method, r.path) for r in change.removed] == [("POST", "/public/v1/instruments")]
    assert change.lines() == ["- POST /public/v1/instruments"]


def test_routes_file_cache_follows_the_file(tmp_path):
    routes = tmp_path / "routes.json"
    routes.write_text(json.dumps([{"method": "GET", "path": "/a"}]))
    client = Client("http://127.0.0.1:9")
    source = RoutesFileSource(str(routes))

    def load():
        cache = DiscoveryCache(tmp_path / "cache", client.base_url, source.key)
        return Discovery(client, source, cache=cache).load()

    assert paths(load()) == [("GET", "/a")]
    routes.write_text(json.dumps([{"method": "GET", "path": "/b"}]))
    stamp = time.time() + 5
    os.utime(routes, (stamp, stamp))
    assert paths(load()) == [("GET", "/b")]


def test_local_spec_file_is_checked_against_the_disk_within_the_ttl(tmp_path):
    spec = tmp_path / "openapi.json"

    def write(*names):
        doc = {"openapi": "3.0.0", "paths": {f"/{n}": {"get": {}} for n in names}}
        spec.write_text(json.dumps(doc))

    write("a")
    client = Client("http://127.0.0.1:9")
    source = SpecSource(str(spec))
    assert source.local

    def load():
        cache = DiscoveryCache(tmp_path / "cache", client.base_url, source.key)
        d = Discovery(client, source, cache=cache, ttl=3600)
        return d, d.load()

    assert paths(load()[1]) == [("GET", "/a")]
    d, registry = load()
    assert d.state == "cached" and paths(registry) == [("GET", "/a")]
    write("a", "b")
    stamp = time.time() + 5
    os.utime(spec, (stamp, stamp))
    d, registry = load()
    assert d.state == "fetched"
    assert paths(registry) == [("GET", "/a"), ("GET", "/b")]


def test_only_files_are_local_sources():
    assert not DiscoverSource().local
    assert not SpecSource("https://example.com/openapi.json").local
    assert SpecSource("openapi.json").local


# -- load_cached: what the shell loads before its first prompt ---------------------------


def test_load_cached_answers_from_a_fresh_or_stale_cache_and_sends_nothing(stub, tmp_path):
    assert make(stub, tmp_path).load_cached() is None  # no entry: only a fetch can tell
    make(stub, tmp_path).load()
    sent = len(stub.requests)
    fresh = make(stub, tmp_path)
    assert ("POST", "/public/v1/instruments") in paths(fresh.load_cached())
    assert fresh.state == "cached"
    stale = make(stub, tmp_path, ttl=0)
    assert stale.load_cached() is not None
    assert stale.state == "stale"  # the caller revalidates it in the background
    assert len(stub.requests) == sent


def test_load_cached_builds_no_client(stub, tmp_path):
    make(stub, tmp_path).load()
    made = []

    def connect():
        made.append(1)
        return Client(stub.url, retries=0, timeout=5, transport=stub.transport)

    source = DiscoverSource()
    cache = DiscoveryCache(tmp_path, stub.url, source.key)
    d = Discovery(connect, source, cache=cache)
    assert d.load_cached() is not None and made == []
    d.refresh()  # a fetch makes it, once
    d.refresh()
    assert made == [1]


def test_load_cached_of_a_spec_file_changed_on_disk_is_none(tmp_path):
    spec = tmp_path / "openapi.json"
    spec.write_text(json.dumps({"openapi": "3.0.0", "paths": {"/a": {"get": {}}}}))
    source = SpecSource(str(spec))

    def discovery():
        cache = DiscoveryCache(tmp_path / "cache", "http://127.0.0.1:9", source.key)
        return Discovery(lambda: Client("http://127.0.0.1:9"), source, cache=cache, ttl=0)

    discovery().load()
    d = discovery()
    assert paths(d.load_cached()) == [("GET", "/a")]  # unchanged: however old the entry
    assert d.state == "cached"
    spec.write_text(json.dumps({"openapi": "3.0.0", "paths": {"/b": {"get": {}}}}))
    stamp = time.time() + 5
    os.utime(spec, (stamp, stamp))
    assert discovery().load_cached() is None  # changed: a parse is needed
    spec.unlink()
    assert discovery().load_cached() is None  # gone: load says why
