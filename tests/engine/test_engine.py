"""The engine turns typed words into requests: paths, positional params, items."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from explorer.engine import Engine, quote_path, read_items
from explorer.errors import ItemError, UsageError
from explorer.registry import Registry, Route


class FixedDiscovery:
    def __init__(self, routes, later=()):
        self.registry = Registry([Route(m, p) for m, p in routes])
        self.later = [Route(m, p) for m, p in later]
        self.refetches = 0

    def refetch_on_miss(self):
        self.refetches += 1
        if not self.later:
            return None
        self.registry = Registry([*(e.route for e in self.registry.entries), *self.later])
        return True


ROUTES = [
    ("GET", "/public/v1/instruments/:id?"),
    ("DELETE", "/public/v1/things/:id?"),
    ("POST", "/public/v1/instruments/:id/commands/:cid/kill"),
]


BASE_URL = "http://user:pw@127.0.0.1:9/api"


def engine(routes=ROUTES, later=()):
    warnings = []
    client = SimpleNamespace(base_url=BASE_URL)
    e = Engine(client=client, discovery=FixedDiscovery(routes, later), warn=warnings.append)
    return e, warnings


def test_command_with_required_params_and_items():
    e, _ = engine()
    p = e.prepare_command(["instruments", "commands", "kill", "a b", "c/d", "X-Why:test"])
    assert (p.spec.method, p.spec.path) == (
        "POST",
        "/public/v1/instruments/a%20b/commands/c%2Fd/kill",
    )
    assert p.spec.headers == {"X-Why": "test"}
    assert p.params == {"id": "a b", "cid": "c/d"}
    assert p.destructive


def test_optional_param_takes_an_argument_only_when_it_is_not_an_item():
    e, _ = engine()
    assert e.prepare_command(["things", "delete"]).spec.path == "/public/v1/things"
    assert e.prepare_command(["things", "delete", "42"]).spec.path == "/public/v1/things/42"
    p = e.prepare_command(["things", "delete", "force==1"])
    assert (p.spec.path, p.spec.query) == ("/public/v1/things", ["force=1"])


def test_missing_required_param():
    e, _ = engine()
    with pytest.raises(
        UsageError, match=r"missing ID, CID \(usage: instruments commands kill ID CID"
    ):
        e.prepare_command(["instruments", "commands", "kill"])


def test_unknown_command_refetches_once_then_works():
    e, _ = engine(later=[("GET", "/public/v1/labware/:id?")])
    p = e.prepare_command(["labware", "list"])
    assert p.spec.path == "/public/v1/labware"
    assert e.discovery.refetches == 1


def test_unknown_command_after_a_refetch_is_a_usage_error():
    e, _ = engine()
    with pytest.raises(UsageError, match="unknown command"):
        e.prepare_command(["nope"])


def test_call_resolves_the_route_and_keeps_the_query_as_written():
    e, warnings = engine()
    p = e.prepare_call(
        "get", "public/v1/instruments/abc?sort=-name&updatedAt>2023-05-01", ["limit==5"]
    )
    assert p.spec.method == "GET"
    assert p.spec.target == "/public/v1/instruments/abc?sort=-name&updatedAt>2023-05-01&limit=5"
    assert p.spec.route == "GET /public/v1/instruments/:id?"
    assert p.params == {"id": "abc"}
    assert warnings == []


def test_call_to_a_known_path_with_another_method_warns_405_style():
    e, warnings = engine()
    p = e.prepare_call("PUT", "/public/v1/instruments/abc")
    assert p.entry is None and p.allowed == frozenset({"GET", "HEAD"})
    assert warnings == [
        "PUT is not among the methods discovered for /public/v1/instruments/abc (GET, HEAD);"
        " sending anyway"
    ]


def test_call_to_an_unknown_path_refetches_once_then_warns():
    e, warnings = engine()
    e.prepare_call("GET", "/elsewhere")
    assert e.discovery.refetches == 1
    assert warnings == ["no discovered route matches GET /elsewhere; sending anyway"]


def test_not_a_method():
    e, _ = engine()
    with pytest.raises(UsageError, match="not an HTTP method"):
        e.prepare_call("G3T", "/x")


@pytest.mark.parametrize(
    ("typed", "wire"),
    [
        ("/a b", "/a%20b"),
        ("/a%2Fb", "/a%2Fb"),
        ("/100%", "/100%25"),
        ("/é", "/%C3%A9"),
        ("/x:y@z", "/x:y@z"),
    ],
)
def test_quote_path(typed, wire):
    assert quote_path(typed) == wire


def test_malformed_percent_encoding_is_sent_with_a_warning():
    e, warnings = engine()
    p = e.prepare_call("GET", "/public/v1/instruments/%C3")
    assert p.spec.path == "/public/v1/instruments/%C3"
    assert p.entry is None
    assert len(warnings) == 1
    assert "not valid UTF-8" in warnings[0] and "sending anyway" in warnings[0]
    assert e.discovery.refetches == 0  # the routes cannot tell more about it


@pytest.mark.parametrize(
    ("typed", "target"),
    [
        ("http://127.0.0.1:9/api/public/v1/things/x?limit=1", "/public/v1/things/x?limit=1"),
        ("HTTP://user:pw@127.0.0.1:9/api/public/v1/instruments", "/public/v1/instruments"),
        ("http://127.0.0.1:9/api", "/"),
    ],
)
def test_a_full_url_on_the_server_is_its_path(typed, target):
    e, _ = engine()
    assert e.prepare_call("GET", typed).spec.target == target


@pytest.mark.parametrize(
    "typed",
    [
        "http://example.com/x",
        "https://127.0.0.1:9/api/x",
        "http://127.0.0.1:10/api/x",
        "http://127.0.0.1:9/apix",
        "http://127.0.0.1:9/other/x",
        "ftp://127.0.0.1:9/api/x",
    ],
)
def test_a_full_url_elsewhere_is_a_usage_error(typed):
    e, _ = engine()
    with pytest.raises(UsageError, match="is not on the server http://127.0.0.1:9/api") as info:
        e.prepare_call("GET", typed)
    assert "pw" not in str(info.value)


def test_items_read_first_are_applied_as_given():
    e, _ = engine()
    parsed = read_items(["limit==5", "X-A:1"], method="GET")
    p = e.prepare_call("GET", "/public/v1/instruments", parsed=parsed)
    assert (p.spec.query, p.spec.headers) == (["limit=5"], {"X-A": "1"})


def test_read_items_needs_no_routes():
    with pytest.raises(ItemError):
        read_items(["tags:=[1,"], method="POST")
