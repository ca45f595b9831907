"""The list envelope is recognised in one place (explorer.envelope), and every reader of
list answers asks it: teaching that function one more key teaches them all."""

from __future__ import annotations

import json

import pytest

from explorer import envelope
from explorer.client.models import RequestSpec, Response
from explorer.envelope import list_envelope, list_items, list_key


@pytest.mark.parametrize("key", ["data", "items", "results", "values", "records"])
def test_each_envelope_key(key):
    body = {key: [{"id": 1}], "total": 1}
    assert list_envelope(body) == (key, [{"id": 1}])
    assert list_items(body) == [{"id": 1}]


def test_a_bare_list_the_order_and_what_is_no_list():
    assert list_envelope([1, 2]) == (None, [1, 2])
    assert list_envelope({"items": [2], "data": [1]}) == ("data", [1])  # data first
    assert list_envelope({"data": {"id": 1}, "items": [2]}) == ("items", [2])  # an array only
    for body in ({"id": 1}, {"data": "x"}, "text", 3, None, {"list": [1]}):
        assert list_envelope(body) is None and list_items(body) is None
    schema_props = {"data": {"type": "string"}, "results": {"type": "array"}}
    assert list_key(schema_props, lambda s: s.get("type") == "array") == "results"


@pytest.fixture
def entries_too(monkeypatch):
    """An envelope key no reader names itself: only explorer.envelope knows it."""
    monkeypatch.setattr(envelope, "LIST_KEYS", (*envelope.LIST_KEYS, "entries"))
    return {"entries": [{"id": "a1", "name": "Alpha"}, {"id": "b2", "name": "Beta"}],
            "next_cursor": None}


def _response(payload, headers=None):
    return Response(200, "OK", {"Content-Type": "application/json", **(headers or {})},
                    "http://127.0.0.1:9/x", 0.0, _content=json.dumps(payload).encode())


def test_the_learned_store_asks_it(entries_too, tmp_path):
    from explorer.repl.learned import LearnedStore

    learned = LearnedStore(tmp_path / "learned.json")
    learned.learn_exchange(method="GET", path="/things", route="/things/:id?", status=200,
                           body=entries_too)
    assert ("a1", "Alpha") in learned.ids("/things")


def test_tables_and_csv_ask_it(entries_too):
    from explorer.render.formats import list_rows
    from explorer.render.table import table_rows

    rows, rest = table_rows(entries_too)
    assert [r["id"] for r in rows] == ["a1", "b2"] and rest == {"next_cursor": None}
    assert list_rows(entries_too) == entries_too["entries"]


def test_paging_asks_it(entries_too):
    pages = {
        "/x": _response(entries_too, {"Link": '<http://127.0.0.1:9/x?page=2>; rel="next"'}),
        "/x?page=2": _response({"entries": [{"id": "c3"}]}),
    }
    from explorer.client.paging import fetch_all

    paged = fetch_all(lambda spec: pages[spec.target], RequestSpec("GET", "/x"),
                      base_url="http://127.0.0.1:9")
    assert [item["id"] for item in paged.items] == ["a1", "b2", "c3"]


def test_probe_asks_it(entries_too):
    from explorer.cli.probe import probe
    from explorer.registry import Registry, Route

    sent = []

    def send(spec, **options):
        sent.append(spec.target)
        return _response(entries_too if spec.path == "/things" else {})

    probe(type("Engine", (), {"send": staticmethod(send)})(),
          Registry([Route("GET", "/things/:id?")]))
    assert "/things/a1" in sent


def test_completion_asks_it_of_response_schemas(entries_too):
    from explorer.repl.completer import _answer_fields, _schema_fields
    from explorer.spec.operation import Operation

    schema = {"type": "object", "properties": {"entries": {
        "type": "array", "items": {"type": "object", "properties": {"name": {}, "size": {}}}}}}
    assert _schema_fields(schema) == ["name", "size"]
    assert _answer_fields(Operation({"responses": {"200": schema}})) == ["name", "size"]


def test_the_background_prefetch_asks_it(entries_too, tmp_path):
    from explorer.registry import Registry, Route
    from explorer.repl.background import Prefetcher
    from explorer.repl.learned import LearnedStore

    class Canned:
        def send(self, spec, **options):
            return _response(entries_too)

        def close(self):
            pass

    learned = LearnedStore(tmp_path / "learned.json")
    registry = Registry([Route("GET", "/things/:id?")])
    prefetcher = Prefetcher(client_factory=Canned, registry=lambda: registry, learned=learned,
                            warn=pytest.fail)
    try:
        assert prefetcher.fetch("/things")
    finally:
        prefetcher.close()
    assert ("b2", "Beta") in learned.ids("/things")
