"""``--all``: following skip/limit and cursor pages, against a fake ``send``."""

from __future__ import annotations

import json

import pytest

from explorer.client.models import RequestSpec, Response
from explorer.client.paging import fetch_all
from explorer.errors import UsageError

ITEMS = [{"id": str(i)} for i in range(23)]


def _response(payload, status=200):
    return Response(
        status,
        "OK",
        {"Content-Type": "application/json"},
        "http://x",
        0.0,
        _content=json.dumps(payload).encode(),
    )


def _query(spec):
    return dict(c.split("=", 1) for c in spec.query)


def labos(default_limit=None):
    sent = []

    def send(spec):
        sent.append(spec)
        q = _query(spec)
        skip = int(q.get("skip", 0))
        limit = int(q.get("limit", default_limit or len(ITEMS)))
        return _response({"data": ITEMS[skip : skip + limit]})

    return send, sent


def test_skip_limit_pages_until_a_short_page():
    send, sent = labos()
    paged = fetch_all(send, RequestSpec("GET", "/i", query=["limit=5", "sort=name"]))
    assert paged.items == ITEMS
    assert [(_query(s).get("skip"), _query(s)["limit"]) for s in sent] == [
        (None, "5"),
        ("5", "5"),
        ("10", "5"),
        ("15", "5"),
        ("20", "5"),
    ]
    assert all(_query(s)["sort"] == "name" for s in sent)


def test_server_default_page_size_is_used_when_no_limit_is_given():
    send, sent = labos(default_limit=10)
    paged = fetch_all(send, RequestSpec("GET", "/i"))
    assert paged.items == ITEMS
    assert len(sent) == 3


def test_a_server_that_returns_everything_costs_one_extra_request():
    send, sent = labos()
    assert fetch_all(send, RequestSpec("GET", "/i")).items == ITEMS
    assert len(sent) == 2


def test_cursor_pages_until_minus_one():
    pages = {"-1": (ITEMS[:10], "a"), "a": (ITEMS[10:20], "b"), "b": (ITEMS[20:], "-1")}
    sent = []

    def send(spec):
        sent.append(spec)
        items, nxt = pages[_query(spec).get("cursor", "-1")]
        return _response({"items": items, "next_cursor": nxt})

    paged = fetch_all(
        send, RequestSpec("GET", "/api/generic/protocol", query=["cursor=-1", "count=10"])
    )
    assert paged.items == ITEMS
    assert [_query(s)["cursor"] for s in sent] == ["-1", "a", "b"]


def test_a_repeating_cursor_stops():
    def send(spec):
        return _response({"items": [1], "next_cursor": "same"})

    assert fetch_all(send, RequestSpec("GET", "/x")).items == [1, 1]


def test_an_error_page_stops_and_is_returned():
    calls = []

    def send(spec):
        calls.append(spec)
        if len(calls) == 1:
            return _response({"data": ITEMS[:5]})
        return _response({"code": 500, "message": "boom"}, status=500)

    paged = fetch_all(send, RequestSpec("GET", "/i", query=["limit=5"]))
    assert paged.last.status == 500
    assert paged.items == ITEMS[:5]


def test_not_a_list_is_returned_as_the_only_page_unmerged():
    calls = []

    def send(spec):
        calls.append(spec)
        return _response({"id": "x"})

    paged = fetch_all(send, RequestSpec("GET", "/i/x"))
    assert not paged.merged and paged.pages == 1 and len(calls) == 1
    assert paged.last.json() == {"id": "x"}  # still readable, to be shown as it came


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE", "OPTIONS"])
def test_only_get_and_head_may_page_and_nothing_is_sent_otherwise(method):
    calls = []
    with pytest.raises(UsageError, match="--all"):
        fetch_all(calls.append, RequestSpec(method, "/i"))
    assert calls == []
