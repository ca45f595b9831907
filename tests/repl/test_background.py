"""explorer.repl.background: id prefetching off the prompt's thread, against the sandbox."""

from __future__ import annotations

import pytest

from explorer.auth import bearer
from explorer.client.session import Client
from explorer.registry import Registry, Route
from explorer.repl.background import Prefetcher

INSTRUMENTS = "/public/v1/instruments"


class CountingClient(Client):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.sent = []

    def send(self, spec, **kwargs):
        self.sent.append(spec.target)
        return super().send(spec, **kwargs)


@pytest.fixture
def make(sandbox, learned):
    made = []

    def build(routes, **kwargs):
        client = CountingClient(sandbox.url, auth=bearer(sandbox.token), timeout=5.0)
        registry = Registry(routes)
        fetched = []
        prefetcher = Prefetcher(
            client_factory=lambda: client,
            registry=lambda: registry,
            learned=learned,
            warn=pytest.fail,  # nothing goes wrong in these tests
            on_fetched=fetched.append,
            **kwargs,
        )
        made.append(prefetcher)
        return prefetcher, client, fetched

    try:
        yield build
    finally:
        for prefetcher in made:
            prefetcher.close()


def test_a_small_page_of_ids_with_names_is_learned(make, learned):
    prefetcher, client, fetched = make([Route("GET", INSTRUMENTS + "/:id?")])
    prefetcher(INSTRUMENTS)
    assert prefetcher.wait(10)
    assert fetched == [INSTRUMENTS]
    assert client.sent == [f"{INSTRUMENTS}?fields=name&limit=50"]
    ids = learned.ids(INSTRUMENTS)
    assert len(ids) == 50
    assert all(name for _, name in ids)


def test_a_list_is_not_fetched_again_soon(make):
    prefetcher, client, _ = make([Route("GET", INSTRUMENTS + "/:id?")])
    prefetcher(INSTRUMENTS)
    assert prefetcher.wait(10)
    prefetcher(INSTRUMENTS)
    prefetcher(INSTRUMENTS)
    assert prefetcher.wait(10)
    assert len(client.sent) == 1


def test_cursor_paged_routes_get_a_count(make, learned):
    route = Route("GET", "/api/generic/protocol/:id?", query_params=("search", "cursor", "count"))
    prefetcher, client, _ = make([route])
    prefetcher("/api/generic/protocol")
    assert prefetcher.wait(10)
    assert client.sent == ["/api/generic/protocol?count=50&cursor=-1"]
    assert learned.ids("/api/generic/protocol")


def test_paths_without_a_list_route_are_not_fetched(make, learned):
    prefetcher, client, fetched = make([Route("POST", "/public/v1/things")])
    prefetcher("/public/v1/things")
    assert prefetcher.wait(10)
    assert client.sent == []
    assert fetched == []


def test_a_server_that_went_away_is_quiet(make, sandbox, learned):
    prefetcher, _, fetched = make([Route("GET", INSTRUMENTS + "/:id?")])
    sandbox.stop()
    prefetcher(INSTRUMENTS)
    assert prefetcher.wait(10)
    assert fetched == []
    assert not learned.count(INSTRUMENTS)


def test_after_close_nothing_is_fetched(make):
    prefetcher, client, _ = make([Route("GET", INSTRUMENTS + "/:id?")])
    prefetcher.close()
    prefetcher(INSTRUMENTS)
    assert prefetcher.wait(2)
    assert client.sent == []


PROTOCOLS = "/api/generic/protocol"
PROTOCOL_ROUTE = Route("GET", PROTOCOLS + "/:id?", query_params=("search", "cursor", "count"))


def test_fetches_carry_the_headers_of_the_moment_and_retry_when_they_change(sandbox, learned):
    client = CountingClient(sandbox.url, timeout=5.0)  # no auth of its own
    headers: dict[str, str] = {}
    registry = Registry([PROTOCOL_ROUTE])
    prefetcher = Prefetcher(
        client_factory=lambda: client,
        registry=lambda: registry,
        learned=learned,
        warn=pytest.fail,
        headers=lambda: dict(headers),
    )
    try:
        prefetcher(PROTOCOLS)
        assert prefetcher.wait(10)
        assert len(client.sent) == 1 and not learned.count(PROTOCOLS)  # 401: no key yet
        prefetcher(PROTOCOLS)
        assert prefetcher.wait(10)
        assert len(client.sent) == 1  # refused, and the headers are the same: not again
        headers["apikey"] = sandbox.api_key  # as `headers apikey:KEY` in the shell
        prefetcher(PROTOCOLS)
        assert prefetcher.wait(10)
        assert len(client.sent) == 2
        assert learned.count(PROTOCOLS) > 0
    finally:
        prefetcher.close()


def test_a_fetched_whole_list_drops_ids_that_are_gone(make, learned):
    prefetcher, _, _ = make([PROTOCOL_ROUTE])
    learned.learn_ids(PROTOCOLS, [{"id": 999, "name": "deleted elsewhere"}])
    prefetcher(PROTOCOLS)
    assert prefetcher.wait(10)
    ids = dict(learned.ids(PROTOCOLS))
    assert ids and "999" not in ids  # the sandbox's few protocols are one whole page


def test_an_unexpected_failure_is_reported_not_swallowed(learned):
    warnings: list[str] = []

    def broken_registry():
        raise RuntimeError("the registry broke")

    prefetcher = Prefetcher(client_factory=lambda: None, registry=broken_registry,
                            learned=learned, warn=warnings.append)
    try:
        prefetcher(INSTRUMENTS)
        assert prefetcher.wait(10)
    finally:
        prefetcher.close()
    assert warnings == [
        f"fetching the ids of {INSTRUMENTS} failed: RuntimeError: the registry broke"
    ]
    assert prefetcher.failures == 1


def test_a_path_the_registry_cannot_decode_is_no_list(learned):
    prefetcher = Prefetcher(client_factory=lambda: None,
                            registry=lambda: Registry([Route("GET", "/x/:id?")]),
                            learned=learned, warn=pytest.fail)
    try:
        assert prefetcher.fetch("/x/%C3") is False
    finally:
        prefetcher.close()
