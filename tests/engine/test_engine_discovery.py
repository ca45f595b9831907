"""The engine over a real Discovery: how many times the routes are fetched."""

from __future__ import annotations

import pytest

from explorer.client import Client
from explorer.discovery import DiscoverSource, Discovery, DiscoveryCache
from explorer.engine import Engine
from explorer.errors import UsageError


def _engine(server, cache_root):
    client = Client(server.url, retries=0, timeout=5, transport=server.transport)
    source = DiscoverSource()
    cache = DiscoveryCache(cache_root, client.base_url, source.key)
    warnings: list[str] = []
    discovery = Discovery(client, source, cache=cache, warn=warnings.append)
    discovery.load()
    return Engine(client, discovery, warn=warnings.append), warnings


def test_cold_cache_and_an_unknown_path_fetch_the_routes_once(discover_server, tmp_path):
    e, warnings = _engine(discover_server, tmp_path)
    e.prepare_call("GET", "/public/v1/nothing")
    assert discover_server.fetches() == 1
    assert warnings == ["no discovered route matches GET /public/v1/nothing; sending anyway"]


def test_cold_cache_and_an_unknown_command_fetch_the_routes_once(discover_server, tmp_path):
    e, _ = _engine(discover_server, tmp_path)
    with pytest.raises(UsageError, match="unknown command"):
        e.prepare_command(["nothing", "list"])
    assert discover_server.fetches() == 1


def test_a_cached_registry_refetches_once_and_learns_a_new_route(discover_server, tmp_path):
    _engine(discover_server, tmp_path)  # an earlier process
    discover_server.routes.append({"method": "GET", "path": "/public/v1/labware/:id?"})
    e, _ = _engine(discover_server, tmp_path)
    assert discover_server.fetches() == 1  # the fresh cache was used
    p = e.prepare_command(["labware", "list"])
    assert p.spec.path == "/public/v1/labware"
    assert discover_server.seen[-1] == ("/discover", '"2"')  # conditional, then a new answer
    e.prepare_call("GET", "/public/v1/still-unknown")
    assert discover_server.fetches() == 2


def test_a_refetch_that_changes_the_routes_is_handed_on(discover_server, tmp_path):
    _engine(discover_server, tmp_path)  # an earlier process wrote the cache
    discover_server.routes.append({"method": "GET", "path": "/public/v1/labware/:id?"})
    e, _ = _engine(discover_server, tmp_path)
    changes = []
    e.subscribe_routes(changes.append)
    e.prepare_call("GET", "/public/v1/labware")
    assert [(r.method, r.path) for c in changes for r in c.added] == [
        ("GET", "/public/v1/labware/:id?")
    ]
    e.prepare_command(["labware", "list"])  # known now: no refetch, nothing handed on
    assert len(changes) == 1


def test_a_refetch_that_changes_nothing_is_not_handed_on(discover_server, tmp_path):
    _engine(discover_server, tmp_path)
    e, _ = _engine(discover_server, tmp_path)
    changes = []
    e.subscribe_routes(changes.append)
    with pytest.raises(UsageError, match="unknown command"):
        e.prepare_command(["labware", "list"])
    assert discover_server.fetches() == 2  # it did refetch
    assert changes == []


def test_every_route_listener_hears_a_change_until_it_unsubscribes(discover_server, tmp_path):
    _engine(discover_server, tmp_path)
    e, _ = _engine(discover_server, tmp_path)
    first, second = [], []
    e.subscribe_routes(first.append)
    e.subscribe_routes(second.append)
    discover_server.routes.append({"method": "GET", "path": "/public/v1/labware/:id?"})
    e.prepare_call("GET", "/public/v1/labware")
    assert len(first) == len(second) == 1
    e.unsubscribe_routes(first.append)
    discover_server.routes.append({"method": "GET", "path": "/public/v1/samples/:id?"})
    e.discovery.note_write()  # a write lets the next miss ask at once
    e.prepare_call("GET", "/public/v1/samples")
    assert len(first) == 1 and len(second) == 2
