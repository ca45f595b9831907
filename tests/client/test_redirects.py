"""The redirect rules on their own (explorer.client.redirects): strict origins, where
requests' should_strip_auth would keep credentials (http -> https on one host, a
default port written out)."""

from __future__ import annotations

import pytest

from explorer.client.models import Request, Response
from explorer.client.redirects import NotFollowed, location, next_hop


def _prepared(url: str, method: str = "GET", body: bytes | None = None) -> Request:
    headers = {"Authorization": "Bearer t0ken", "apikey": "k3y", "Cookie": "sid=c00kie",
               "X-Custom-Key": "own", "Accept": "*/*"}
    if body is not None:
        headers["Content-Length"] = str(len(body))
    return Request(method, url, headers=headers, body=body)


def _answer(status: int, url: str, target: str) -> Response:
    return Response.of(status, headers={"Location": target}, url=url)


@pytest.mark.parametrize(("start", "target"), [
    ("http://h.example/a", "https://h.example/b"),  # requests keeps auth here
    ("https://h.example/a", "https://h.example:8443/b"),
    ("http://h.example:8080/a", "http://h.example:8081/b"),
    ("http://h.example/a", "http://other.example/b"),
])
def test_another_origin_gets_no_credential(start, target):
    hop = next_hop(_prepared(start), _answer(302, start, target), target,
                   own_headers=frozenset({"x-custom-key"}))
    assert hop.url == target
    assert dict(hop.headers) == {"Accept": "*/*"}
    assert not hop.cookies  # nor the transport's cookie jar


def test_the_same_origin_keeps_them_and_a_default_port_is_the_same():
    start, target = "http://h.example/a", "http://H.EXAMPLE:80/b"
    hop = next_hop(_prepared(start), _answer(302, start, target), target)
    assert hop.headers["Authorization"] == "Bearer t0ken"
    assert hop.headers["Cookie"] == "sid=c00kie" and hop.cookies


def test_303_and_a_posted_302_become_a_get_without_a_body():
    start = "http://h.example/login"
    for status in (302, 303):
        hop = next_hop(_prepared(start, "POST", b'{"password": "pw"}'),
                       _answer(status, start, start + "/done"), start + "/done")
        assert hop.method == "GET" and hop.body is None
        assert "Content-Length" not in hop.headers


def test_a_307_keeps_its_body_at_home_and_is_not_followed_away():
    start = "http://h.example/login"
    same = next_hop(_prepared(start, "POST", b"pw"), _answer(307, start, start + "2"),
                    start + "2")
    assert same.method == "POST" and same.body == b"pw"
    with pytest.raises(NotFollowed, match="another origin: not followed"):
        next_hop(_prepared(start, "POST", b"pw"), _answer(308, start, "http://evil.example/"),
                 "http://evil.example/")


def test_location_is_absolute_and_only_for_redirects():
    assert location(_answer(302, "http://h.example/a/b", "../c")) == "http://h.example/c"
    assert location(_answer(200, "http://h.example/a", "/x")) is None
