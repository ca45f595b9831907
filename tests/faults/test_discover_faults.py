"""`/discover` answering garbage, duplicates, unknown methods, 100,000 routes, an error
object or nonsense: the good routes are kept with a bounded number of warnings, or one
line says what is wrong; the discovery cache is never left broken or replaced by junk."""

from __future__ import annotations

import json

import pytest
from faultcli import Runner, one_line

from explorer.discovery import DiscoveryCache
from explorer.discovery.sources import DiscoverSource

GOOD = [
    {"method": "GET", "path": "/ok", "command": "ok list"},
    {"method": "GET", "path": "/html-500", "command": "html-500 list"},
]


def cache_files(run) -> dict[str, bytes]:
    root = run.home / "cache" / "discovery"
    return {p.name: p.read_bytes() for p in sorted(root.glob("*"))} if root.exists() else {}


def discovers(server) -> int:
    return sum(1 for seen in server.requests if seen.target == "/discover")


def routes_json(run, url: str):
    result = run("--url", url, "routes", "--json")
    assert result.returncode == 0, result.err
    return json.loads(result.stdout), result.err.splitlines()


def test_garbage_entries_are_skipped_each_with_a_reason(run, make_faults):
    server = make_faults(discover="garbage")
    listed, warnings = routes_json(run, server.url)
    assert listed == GOOD
    assert all(line.startswith("explorer: warning: ") for line in warnings)
    assert "explorer: warning: GET /discover: entry 1 skipped: not an object: 42" in warnings
    assert (
        "explorer: warning: GET /discover: entry 6 skipped: no path, or a path not "
        "starting with '/': 'no-slash'"
    ) in warnings
    assert any("'/broken/:('" in line for line in warnings)
    assert len(warnings) == 10  # ten bad entries out of twelve
    assert not any("Traceback" in line for line in warnings)


def test_thousands_of_bad_entries_give_ten_warnings_and_a_count(run, make_faults):
    server = make_faults(discover="garbage-many")
    listed, warnings = routes_json(run, server.url)
    assert listed == GOOD
    assert len(warnings) == 11
    assert warnings[-1] == "explorer: warning: /discover: 9,990 more routes skipped"


def test_duplicates_are_kept_once(run, make_faults):
    server = make_faults(discover="duplicates")
    listed, warnings = routes_json(run, server.url)
    assert listed == GOOD
    assert warnings == [
        "explorer: warning: skipping route GET '/ok': duplicate of an earlier route"
    ] * 3 + ["explorer: warning: skipping route GET '/html-500': duplicate of an earlier route"]


def test_unknown_methods_are_skipped(run, make_faults):
    server = make_faults(discover="unknown-methods")
    listed, warnings = routes_json(run, server.url)
    assert listed == GOOD
    assert warnings == [
        "explorer: warning: skipping route FROBNICATE '/ok': unknown method 'FROBNICATE'",
        "explorer: warning: skipping route BREW '/coffee': unknown method 'BREW'",
        "explorer: warning: skipping route G E T '/spaced': unknown method 'G E T'",
    ]


@pytest.mark.xdist_group("many-routes")
def test_100000_routes_are_all_usable_and_cached(run, many_routes):
    server = many_routes.server
    # The first command fetched all of them, built the registry and cached it.
    result = many_routes.first
    assert result.returncode == 4, result.err  # the fault server has no such fault: 404
    assert result.err == "explorer: warning: HTTP 404 Not Found\n"  # piped: said on stderr
    assert json.loads(result.stdout)["code"] == 404
    assert "/bulk/group999/item99900/x1" in server.paths()
    assert many_routes.discovers_after_first == 1
    # The next one starts from the cache: no second fetch, and the route resolves.
    many_routes.warm_home(run.home.parent / "warm")
    run = Runner(run.home.parent / "warm", run.cwd)
    before = discovers(server)
    result = run("--url", server.url, "bulk", "group0", "item7", "list")
    assert result.returncode == 4, result.err
    assert server.paths()[-1] == "/bulk/group0/item7"
    assert discovers(server) == before
    entry = DiscoveryCache(run.home / "cache", server.url, DiscoverSource().key).read()
    assert entry is not None
    assert len(entry.registry.routes) == 100_000
    # An optional id serves two commands: the list and the one.
    for verb, rest in (("list", []), ("get", ["x1"])):
        found, left = entry.registry.lookup_command(["bulk", "group999", "item99900", verb, *rest])
        assert found.route.path == "/bulk/group999/item99900/:id?"
        assert left == rest


@pytest.mark.parametrize(
    ("mode", "message", "code"),
    [
        ("error", "GET /discover answered an error: discovery is disabled for this key", 1),
        ("error-403", "GET /discover answered 403: Forbidden: bad or missing token", 4),
        ("not-json", "GET /discover: not JSON (Unterminated string starting at: "
                     "line 1 column 29 (char 28))", 1),
        ("html-500", "GET /discover answered 500", 5),
    ],
)
def test_an_unusable_listing_is_one_line_and_nothing_is_cached(run, make_faults, mode, message,
                                                               code):
    """A 4xx or 5xx from /discover exits 4 or 5, as any answer does (a bad token is
    told apart from a broken server); an unusable 200 exits 1."""
    server = make_faults(discover=mode)
    for words in (["routes"], ["ok", "list"]):
        result = run("--url", server.url, *words)
        assert result.returncode == code
        assert one_line(result.err) == f"explorer: {message}"
        assert result.stdout == b""
    assert cache_files(run) == {}
    # `call` needs no routes: it goes ahead, and says once why there are none.
    result = run("--url", server.url, "call", "GET", "/ok")
    assert result.returncode == 0
    assert one_line(result.err) == f"explorer: warning: routes unavailable: {message}"


@pytest.mark.parametrize("mode", ["error", "not-json", "html-500", "garbage"])
def test_a_bad_refresh_leaves_the_cache_as_it_was(run, faults, mode):
    assert run("--url", faults.url, "routes").returncode == 0
    before = cache_files(run)
    # the entry and the registry's index beside it; no spec data: no store
    assert sorted(name.rsplit(".", 1)[1] for name in before) == ["index", "json"]
    faults.discover = mode
    result = run("--url", faults.url, "routes", "--refresh")
    if mode == "garbage":
        # Usable routes: the refresh is taken (the good ones), with warnings.
        assert result.returncode == 0
        assert cache_files(run) != before
    else:
        assert result.returncode == (5 if mode == "html-500" else 1)
        assert "Traceback" not in result.err
        assert cache_files(run) == before
    faults.discover = "routes"
    result = run("--url", faults.url, "ok", "list")
    assert result.returncode == 0, result.err


def test_a_stale_cache_and_a_broken_server_use_the_cached_routes(run, faults):
    (run.home / "config").mkdir()
    (run.home / "config" / "config.toml").write_text("[settings]\ndiscovery_ttl = 0\n")
    assert run("--url", faults.url, "routes").returncode == 0
    before = cache_files(run)
    faults.discover = "html-500"
    result = run("--url", faults.url, "ok", "list")
    assert result.returncode == 0
    line = one_line(result.err)
    assert line.startswith("explorer: warning: GET /discover answered 500; using the routes "
                           "cached ")
    assert json.loads(result.stdout) == {"data": [{"id": "a1", "name": "fine"}]}
    assert cache_files(run) == before


def test_discovery_that_never_answers_times_out_with_one_line(run, make_faults):
    server = make_faults(default="hang")
    result = run("--url", server.url, "--timeout", "1", "routes")
    assert result.returncode == 3
    assert one_line(result.err) == f"explorer: {server.url} did not answer within 1 s (timed out)"
    assert cache_files(run) == {}
