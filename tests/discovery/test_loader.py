"""The discovery cache and loader against a stub server."""

from __future__ import annotations

import json
import os
import time

import pytest

from explorer.client import Client
from explorer.discovery import DiscoverSource, Discovery, DiscoveryCache, RoutesFileSource
from explorer.errors import DiscoveryError, TransportError


def make(stub, tmp_path, ttl=3600.0, warnings=None):
    client = Client(stub.url, retries=0, timeout=5)
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
    assert files == [".json", ".raw"]


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


def test_refetch_once_per_process(stub, tmp_path):
    d = make(stub, tmp_path)
    d.load()
    stub.routes.append({"method": "GET", "path": "/public/v1/labware/:id?"})
    change = d.refetch_once()
    assert [(r.method, r.path) for r in change.added] == [("GET", "/public/v1/labware/:id?")]
    assert d.refetch_once() is None
    assert len(stub.requests) == 2


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
