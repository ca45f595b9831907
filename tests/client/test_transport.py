"""The transport seam in-process: a mock transport for canned answers, a recorded
session as a transport, and the public Response constructors."""

from __future__ import annotations

import json

from explorer.auth import bearer
from explorer.client import Client, RequestSpec
from explorer.client.models import Observer, Response
from explorer.client.transport import MockTransport


def _json(status: int, value, **headers) -> Response:
    return Response.of(status, json.dumps(value).encode(),
                       headers={"Content-Type": "application/json", **headers})


def test_the_client_hands_the_transport_one_finished_request():
    mock = MockTransport(lambda request: _json(200, {"ok": True}))
    client = Client("http://api.test/v1", auth=bearer("t0ken"), headers={"X-Client": "p"},
                    transport=mock)
    spec = RequestSpec("POST", "/items", query=["updatedAt>2023-05-01"],
                       headers={"x-client": "typed"}, json={"name": "A"})
    answer = client.send(spec)
    assert answer.json() == {"ok": True}
    (request,) = mock.requests
    assert request.url == "http://api.test/v1/items?updatedAt>2023-05-01"  # as typed
    assert request.headers["Authorization"] == "Bearer t0ken"
    assert request.headers["x-client"] == "typed" and "X-Client" not in request.headers
    assert request.headers["Content-Type"] == "application/json"
    assert request.body == b'{"name": "A"}' and request.spec is spec


def test_redirects_are_followed_over_the_seam_by_the_origin_rules():
    def answer(request):
        if request.url.endswith("/start"):
            return Response.of(302, headers={"Location": "http://elsewhere.test/end"},
                               url=request.url)
        return _json(200, dict(request.headers))

    mock = MockTransport(answer)
    client = Client("http://api.test", auth=bearer("t0ken"), transport=mock)
    landed = client.send(RequestSpec("GET", "/start", headers={"Cookie": "a=b"}))
    assert "Authorization" not in landed.json() and "Cookie" not in landed.json()
    assert [r.url for r in mock.requests] == ["http://api.test/start", "http://elsewhere.test/end"]
    assert mock.requests[1].cookies is False


def test_a_session_is_a_transport(tmp_path):
    from explorer.sessions.format import read_session
    from explorer.sessions.serve import SessionTransport

    path = tmp_path / "s.jsonl"
    header = {"session": "explorer", "format": 1, "explorer": "0", "created": "x",
              "vars": {"base_url": "http://h"}, "routes": None, "auth": None}
    exchange = {"step": 1, "time": "x", "command": None, "route": "GET /things/:id",
                "request": {"method": "GET", "url": "{{base_url}}/things/1", "path": "/things/1",
                            "query": [], "headers": {}, "body": None},
                "response": {"status": 200, "reason": "OK",
                             "headers": {"Content-Type": "application/json"},
                             "body": {"json": {"id": 1}}, "duration_ms": 1.0}}
    path.write_text(json.dumps(header) + "\n" + json.dumps(exchange) + "\n")
    client = Client("http://offline.test", transport=SessionTransport(read_session(path)))
    assert client.send(RequestSpec("GET", "/things/9")).json() == {"id": 1}
    missing = client.send(RequestSpec("GET", "/nothing"))
    assert missing.status == 404
    assert "closest recorded request: GET /things/1" in missing.json()["details"]


def test_a_tee_sees_the_body_as_it_is_read_and_once():
    class Seen(Observer):
        def __init__(self):
            self.chunks, self.ends = [], []

        def feed(self, chunk):
            self.chunks.append(chunk)

        def finish(self, *, complete):
            self.ends.append(complete)

    seen = Seen()
    closed = []
    teed = Response.streaming(200, iter([b"ab", b"cd"]), close=lambda: closed.append(1)).tee(seen)
    assert seen.chunks == []  # nothing read yet
    assert b"".join(teed.iter_bytes()) == b"abcd"
    assert seen.chunks == [b"ab", b"cd"] and seen.ends[0] is True and closed
    whole = Seen()
    Response.of(200, b"xyz").tee(whole)
    assert whole.chunks == [b"xyz"] and whole.ends == [True]


def test_a_scheme_may_answer_a_challenge_once():
    """The hook a challenge-response scheme (HTTP Digest) needs: a 401 the scheme
    answers is sent once more with the headers it computes."""
    from explorer.auth import Bearer

    class Challenged(Bearer):
        def answer(self, request, response):
            if response.status == 401 and "nonce" in response.headers.get("WWW-Authenticate", ""):
                return {"Authorization": "Answer " + response.headers["WWW-Authenticate"]}
            return None

    def server(request):
        if request.headers["Authorization"].startswith("Answer "):
            return _json(200, {"authorization": request.headers["Authorization"]})
        return Response.of(401, headers={"WWW-Authenticate": "Challenge nonce=abc"})

    mock = MockTransport(server)
    client = Client("http://api.test", auth=Challenged("t0ken"), transport=mock)
    assert client.send(RequestSpec("GET", "/x")).json() == {
        "authorization": "Answer Challenge nonce=abc"}
    assert len(mock.requests) == 2
    plain = Client("http://api.test", auth=bearer("t0ken"), transport=MockTransport(server))
    assert plain.send(RequestSpec("GET", "/x")).status == 401  # no answer: kept


def test_verbose_masks_a_scheme_header_whatever_it_is_called(echo):
    """-v asks the scheme: an OpenAPI-style API key header no name list knows is
    masked in the request head as it went out."""
    from explorer.auth import ApiKey
    from explorer.render.response import request_head

    spec = RequestSpec("GET", "/x")
    with Client(echo.url, auth=ApiKey("k3y-secret-xyz", name="Ocp-Apim-Subscription-Key")) as c:
        answer = c.send(spec)
        answer.close()
    assert echo.seen[-1]["headers"]["Ocp-Apim-Subscription-Key"] == "k3y-secret-xyz"
    head = request_head(spec, echo.url, color=False, sent=answer)
    assert "Ocp-Apim-Subscription-Key: ***" in head and "k3y-secret-xyz" not in head
