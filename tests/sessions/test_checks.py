"""Id capture and substitution, schema inference, value checks and --volatile paths."""

from __future__ import annotations

import json

import pytest

from explorer.errors import UsageError
from explorer.sessions import checks
from explorer.sessions.capture import IdMap
from explorer.sessions.checks import Checker, compile_volatile, infer_schema, shape_failures
from explorer.sessions.format import Exchange


def _exchange(body, status=200) -> Exchange:
    return Exchange({"step": 1, "request": {"method": "GET", "path": "/x", "query": []},
                     "response": {"status": status, "body": {"json": body}}})


def test_ids_are_mapped_from_answers_and_substituted_where_ids_go():
    ids = IdMap()
    ids.learn({"id": "a1", "count": 3, "items": [{"protocol_id": 7}], "api_key": "{{api_key}}"},
              {"id": "b2", "count": 4, "items": [{"protocol_id": 9}], "api_key": "real-key"})
    assert ids.ids == {"a1": "b2", "7": 9}
    assert ids.captured == {"api_key": "real-key"}
    assert ids.path("/x/a1/y/7", "/x/:id/y/:n") == "/x/b2/y/9"
    assert ids.path("/x/a1/7", "/x/:id/7") == "/x/b2/7"  # a literal segment stays
    assert ids.query(["experiment_id=7", "limit=7", "ref=a1", "id!=a1"]) == [
        "experiment_id=9", "limit=7", "ref=b2", "id!=b2"]
    assert ids.json({"protocol_id": 7, "count": 7, "note": "a1", "tag_ids": [7]}) == {
        "protocol_id": 9, "count": 7, "note": "b2", "tag_ids": [9]}
    assert ids.fields({"experiment_id": "7", "n": "7"}) == {"experiment_id": "9", "n": "7"}


def test_objects_keyed_by_id_and_lists_of_other_lengths():
    ids = IdMap()
    ids.learn({"12": {"id": 12, "name": "a.csv"}}, {"31": {"id": 31, "name": "a.csv"}})
    assert ids.ids == {"12": "31"}
    other = IdMap()
    other.learn({"data": [{"id": "a"}, {"id": "b"}]}, {"data": [{"id": "c"}]})
    assert not other.ids  # a list that changed length pairs nothing
    ids.learn({"id": 12}, {"id": 99})
    assert ids.ids["12"] == "31"  # never overwritten


def test_inferred_schema_fixes_shape_but_not_values():
    recorded = {"data": [{"id": "a", "name": "x", "n": 1, "ok": True, "note": None}],
                "next": None}
    schema = infer_schema(recorded)
    assert schema["properties"]["data"]["items"]["required"] == ["id", "name", "n", "ok", "note"]
    assert shape_failures(recorded, {"data": [{"id": "b", "name": "y", "n": 2.5, "ok": False,
                                               "note": "now text", "extra": 1}],
                                     "next": "p2"}) == []
    failures = shape_failures(recorded, {"data": [{"id": "b", "n": "1", "ok": True,
                                                   "note": None}], "next": None})
    assert [(f.path, f.expected) for f in failures] == [
        ("$.data[0].name", "a field"), ("$.data[0].n", "type number")]


def test_value_checks_skip_volatile_fields_and_mapped_ids():
    recorded = {"id": "a1", "name": "Alpha", "createdAt": "2024-01-01T00:00:00Z",
                "updated_at": "x", "owner": "3f1c9f3e-2a4b-4c5d-8e9f-0a1b2c3d4e5f",
                "items": [1, 2], "instrumentId": "i1"}
    actual = dict(recorded, id="b2", createdAt="2025-02-02T00:00:00Z", updated_at="y",
                  owner="00000000-0000-0000-0000-000000000000", instrumentId="i2")
    ids = IdMap()
    assert Checker().check(_exchange(recorded), status=200, content_type="application/json",
                           body=json.dumps(actual).encode(), ids=ids) == []
    actual.update(name="Beta", items=[1])
    failures = Checker().check(_exchange(recorded), status=200, content_type="application/json",
                               body=json.dumps(actual).encode(), ids=ids)
    assert [f.describe() for f in failures] == [
        '$.name: expected "Alpha", got "Beta"', "$.items: expected 2 items, got 1 items"]


def test_status_and_body_kind_failures():
    exchange = _exchange({"a": 1}, status=201)
    (failure,) = Checker().check(exchange, status=404, content_type="application/json",
                                 body=b'{"code":404,"message":"Instrument x not found"}',
                                 ids=IdMap())
    assert failure.describe() == "status: expected 201, got 404 (Instrument x not found)"
    (failure,) = Checker().check(_exchange({"a": 1}), status=200, content_type="text/html",
                                 body=b"<html>", ids=IdMap())
    assert failure.describe() == "body: expected a JSON body, got 6 bytes of text/html"


def test_unchanged_answers_take_the_fast_path(monkeypatch):
    def boom(value):
        raise AssertionError("no schema needed for an unchanged body")

    monkeypatch.setattr(checks, "infer_schema", boom)
    body = {"data": [{"id": str(i), "name": f"n{i}"} for i in range(50)]}
    assert Checker().check(_exchange(body), status=200, content_type="application/json",
                           body=json.dumps(body).encode(), ids=IdMap()) == []


@pytest.mark.parametrize(
    ("pattern", "path", "matches"),
    [
        ("$.data[*].name", "$.data[3].name", True),
        ("$.data[*].name", "$.data[3].names", False),
        ("$.data[0]", "$.data[0].x.y", True),
        ("$.data[0]", "$.data[1]", False),
        ("name", "$.a[2].b.name", True),
        ("$..updatedBy", "$.updatedBy", True),
        ("$.*.id", '$["12"].id', True),
        ("$['a b']", '$["a b"]', True),
    ],
)
def test_volatile_patterns(pattern, path, matches):
    assert bool(compile_volatile(pattern).match(path)) is matches


@pytest.mark.parametrize("pattern", ["", "$.a[", "$.", "$x"])
def test_bad_volatile_patterns_are_usage_errors(pattern):
    with pytest.raises(UsageError):
        compile_volatile(pattern)


def test_objects_keyed_by_id_are_paired_for_value_checks_too():
    recorded = {"12": {"name": "a.csv", "size": 10}}
    body = json.dumps({"31": {"name": "b.csv", "size": 10}}).encode()
    failures = Checker().check(_exchange(recorded), status=200,
                               content_type="application/json", body=body, ids=IdMap())
    assert [f.describe() for f in failures] == ['$["31"].name: expected "a.csv", got "b.csv"']


def test_one_uuid_shape_for_keyed_ids_and_volatile_values():
    from explorer.sessions.capture import looks_like_id
    from explorer.sessions.checks import volatile_value

    for text, uuid in (("0f8fad5b-d9cb-469f-a165-70867728950e", True),
                       ("0F8FAD5B-D9CB-469F-A165-70867728950E", True),
                       ("0f8fad5b-d9cb469f-a165-70867728950e", False),
                       ("0f8fad5b-d9cb-469f-a16570867728950e", False)):
        assert looks_like_id(text) is uuid, text
        assert volatile_value(text) is uuid, text


def test_a_placeholder_inside_a_string_stands_for_any_text_and_the_rest_is_checked():
    recorded = {"code": 404, "message": "Instrument '{{token}}' not found"}
    same = dict(recorded, message="Instrument 'tok-123456789' not found")
    assert Checker().check(_exchange(recorded, status=404), status=404,
                           content_type="application/json",
                           body=json.dumps(same).encode(), ids=IdMap()) == []
    changed = dict(recorded, message="No instrument 'tok-123456789'")
    (failure,) = Checker().check(_exchange(recorded, status=404), status=404,
                                 content_type="application/json",
                                 body=json.dumps(changed).encode(), ids=IdMap())
    assert failure.path == "$.message"
    assert checks.matches_template("a {{x}} b {{y}}", "a 1 b 2")
    assert not checks.matches_template("a {{x}} b", "a  c")
    assert not checks.matches_template("no placeholder", "no placeholder")


def test_a_list_of_records_that_grew_is_compared_by_id_and_its_total_is_not_a_value():
    recorded = {"items": [{"id": 1, "name": "A"}, {"id": 2, "name": "B"}], "total": 2}
    grown = {"items": [{"id": 3, "name": "C"}, {"id": 2, "name": "B"}, {"id": 1, "name": "A"}],
             "total": 3}

    def failures(actual, ids=None):
        return [f.describe() for f in Checker().check(
            _exchange(recorded), status=200, content_type="application/json",
            body=json.dumps(actual).encode(), ids=ids or IdMap())]

    assert failures(grown) == []
    grown["items"][2]["name"] = "changed"
    assert failures(grown) == ['$.items[2].name: expected "A", got "changed"']
    # an id this replay mapped (the session created record 2, now 9) is followed
    ids = IdMap()
    ids.ids["2"] = 9
    moved = {"items": [{"id": 9, "name": "B"}, {"id": 1, "name": "A"}, {"id": 4, "name": "D"}],
             "total": 3}
    assert failures(moved, ids) == []
    # a list of plain values keeps its length; a count outside a list envelope is a value
    assert [f.describe() for f in Checker().check(
        _exchange({"tags": ["a", "b"], "count": 2}), status=200,
        content_type="application/json", body=b'{"tags": ["a"], "count": 1}', ids=IdMap())
    ] == ["$.tags: expected 2 items, got 1 items"]
    assert [f.describe() for f in Checker().check(
        _exchange({"name": "x", "count": 2}), status=200, content_type="application/json",
        body=b'{"name": "x", "count": 1}', ids=IdMap())] == ["$.count: expected 2, got 1"]
