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


# -- RFC 8288 Link headers and page/per_page ----------------------------------------------

BASE = "http://127.0.0.1:9/api"


def linked(total=7, per_page=3, *, style="absolute", host=BASE):
    """A server paging like GitHub (absolute next links) or json-server (absolute,
    first/prev/next/last), or with relative links."""
    sent = []

    def send(spec):
        sent.append(spec)
        q = _query(spec)
        page = int(q.get("page", 1))
        body = ITEMS[:total][(page - 1) * per_page : page * per_page]
        last = -(-total // per_page)
        links = []
        if page < last:
            target = f"{host}{spec.path}?per_page={per_page}&page={page + 1}"
            if style == "relative":
                target = f"?per_page={per_page}&page={page + 1}"
            links.append(f'<{target}>; rel="next"')
            links.append(f'<{host}{spec.path}?per_page={per_page}&page={last}>; rel="last"')
        response = _response(body)
        response.url = f"{BASE}{spec.target}"
        if links:
            response.headers = {**response.headers, "Link": ", ".join(links)}
        return response

    return send, sent


@pytest.mark.parametrize("style", ["absolute", "relative"])
def test_link_headers_are_followed_to_the_last_page(style):
    send, sent = linked(style=style)
    pages = []
    paged = fetch_all(send, RequestSpec("GET", "/repos", query=["per_page=3"]),
                      progress=lambda items, n: pages.append((items, n)), base_url=BASE)
    assert paged.items == ITEMS[:7] and paged.pages == 3 and paged.merged
    assert [s.target for s in sent] == ["/repos?per_page=3", "/repos?per_page=3&page=2",
                                        "/repos?per_page=3&page=3"]
    assert pages == [(3, 1), (6, 2)]


def test_a_next_link_to_another_origin_is_not_followed():
    send, sent = linked(host="http://evil.example:80/api")
    paged = fetch_all(send, RequestSpec("GET", "/repos"), base_url=BASE)
    assert len(sent) == 1 and paged.items == ITEMS[:3]
    assert paged.stopped == (
        "the next page is not on the server: http://evil.example:80/api/repos?per_page=3&page=2")


@pytest.mark.parametrize("header", [
    '<http://127.0.0.1:9/api/x?page=2>; rel="next"',
    '<http://127.0.0.1:9/api/x?page=2>; rel=next',
    '<http://127.0.0.1:9/api/x?page=9>; rel="last", '
    '<http://127.0.0.1:9/api/x?page=2>; rel="prev next"',
])
def test_link_header_forms(header):
    from explorer.client.paging import next_link

    assert next_link({"Link": header}) == "http://127.0.0.1:9/api/x?page=2"
    assert next_link({"Link": '<http://x/?page=1>; rel="first"'}) is None


def test_page_per_page_declared_by_the_spec():
    sent = []

    def send(spec):
        sent.append(spec)
        q = _query(spec)
        page, size = int(q.get("page", 1)), int(q.get("per_page", 30))
        return _response(ITEMS[(page - 1) * size : page * size])

    paged = fetch_all(send, RequestSpec("GET", "/plates", query=["per_page=10"]),
                      declared=("page", "per_page"))
    assert paged.items == ITEMS and paged.pages == 3
    assert [_query(s).get("page") for s in sent] == [None, "2", "3"]
    # without the spec saying so, a bare list is the only page
    assert fetch_all(send, RequestSpec("GET", "/plates", query=["per_page=10"])).pages == 1


def test_page_style_shown_by_the_answer():
    def send(spec):
        page = int(_query(spec).get("page", 1))
        return _response({"page": page, "total_pages": 3,
                          "results": ITEMS[(page - 1) * 8 : page * 8]})

    paged = fetch_all(send, RequestSpec("GET", "/things"))
    assert paged.items == ITEMS and paged.pages == 3
