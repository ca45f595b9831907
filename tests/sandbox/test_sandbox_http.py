"""HTTP behaviour of the sandbox: routing semantics, status codes, error bodies for
malformed input of every kind, framing, the catch-all 500, test helpers, shutdown."""

from __future__ import annotations

import json
import socket
import threading
import time

import pytest
import requests
from sandbox_helpers import assert_error, raw_request

from explorer.sandbox import SandboxServer
from explorer.sandbox.labos import LabOS

INSTRUMENTS = "/public/v1/instruments"


def test_unknown_route_is_404(raw):
    assert_error(raw("/nothing/here"), 404, message="no route for GET /nothing/here")
    assert_error(raw("/public/v1/nothing", token=False), 404)
    assert_error(raw("/"), 404)


def test_wrong_method_is_405_with_allow(raw):
    response = raw(INSTRUMENTS, method="PATCH", body=b"{}")
    assert_error(response, 405, message="PATCH is not allowed")
    assert response.headers["allow"] == "GET, HEAD, OPTIONS, POST"
    odd = raw(f"{INSTRUMENTS}/x", method="BREW")
    assert_error(odd, 405)
    assert odd.headers["allow"] == "DELETE, GET, HEAD, OPTIONS, PATCH, PUT"


def test_options_and_head(raw):
    options = raw(INSTRUMENTS, method="OPTIONS")
    assert options.status == 204 and options.body == b""
    assert options.headers["allow"] == "GET, HEAD, OPTIONS, POST"
    get = raw(f"{INSTRUMENTS}?limit=3")
    head = raw(f"{INSTRUMENTS}?limit=3", method="HEAD")
    assert head.status == 200 and head.body == b""
    assert head.headers["content-length"] == get.headers["content-length"] == str(len(get.body))


def test_express_path_semantics(raw):
    listed = raw(INSTRUMENTS).json()
    assert raw(INSTRUMENTS + "/").json() == listed  # one trailing slash
    assert raw("/PUBLIC/V1/Instruments").json() == listed  # literals ignore case
    assert_error(raw(INSTRUMENTS + "//"), 404)
    assert_error(raw("/public//v1/instruments"), 404)
    first = listed["data"][0]["id"]
    assert raw(f"{INSTRUMENTS}/{first}/").json()["id"] == first
    encoded = "".join(f"%{ord(c):02x}" for c in first)
    assert raw(f"{INSTRUMENTS}/{encoded}").json()["id"] == first  # parameters are decoded


@pytest.mark.parametrize("bad", ["%zz", "%", "abc%4", "%C3%28", "%FF"])
def test_bad_percent_encoding_in_the_path_is_400(raw, bad):
    assert_error(raw(f"{INSTRUMENTS}/{bad}"), 400, message="percent-encoding in the path")


def test_bad_percent_encoding_in_a_literal_segment_matches_nothing(raw):
    assert_error(raw("/public/v1/instr%zzuments"), 404)


def test_absolute_form_target(raw):
    response = raw(f"http://sandbox{INSTRUMENTS}?limit=1")
    assert response.status == 200 and len(response.json()["data"]) == 1


def test_auth_errors_are_403(raw):
    assert_error(raw(INSTRUMENTS, token=False), 403, message="missing Bearer token")
    wrong = raw(INSTRUMENTS, token=False, headers={"Authorization": "Bearer wrong"})
    assert_error(wrong, 403, message="invalid token")
    basic = raw(INSTRUMENTS, token=False, headers={"Authorization": "Basic dXNlcjpwdw=="})
    assert_error(basic, 403)
    assert_error(raw("/discover", token=False), 403)


def test_huge_headers(sandbox_session, raw):
    assert_error(raw(INSTRUMENTS, headers={"X-Big": "y" * 40_000}), 431)
    many = {f"X-H{i}": "v" for i in range(150)}
    assert_error(raw(INSTRUMENTS, headers=many), 431)
    assert_error(raw(INSTRUMENTS, headers={"X-Huge": "z" * 70_000}), 431)
    assert_error(raw(INSTRUMENTS + "?name=" + "q" * 70_000), 414)
    assert raw(INSTRUMENTS + "?limit=1").status == 200


@pytest.mark.parametrize(
    ("data", "status"),
    [
        (b"GARBAGE\r\n\r\n", 400),
        (b"GET /x HTTP/1.1 extra\r\n\r\n", 400),
        (b"GET /x HTTP/1.1\r\nBad Header Line\r\n\r\n", 400),
        (b"GET /x HTTP/1.1\r\nHost: a\r\nBad\r\nContent-Length: 2\r\n\r\n{}", 400),
        (b"GET /x HTTP/1.1\r\n Lead: x\r\nHost: a\r\n\r\n", 400),
        (b"GET /x HTTP/1.1\r\nHost: a\r\nX-Folded: a\r\n b\r\n\r\n", 400),
        (b"GET /x HTTP/1.x\r\nHost: a\r\n\r\n", 400),
        # RFC 9112 names these two answers: kept on purpose (see the server's docstring)
        (b"GET / HTTP/2.0\r\nHost: a\r\n\r\n", 505),
        (b"GET /x HTTP/9.9\r\nHost: a\r\n\r\n", 505),
    ],
)
def test_malformed_requests_get_an_error_object(sandbox_session, data, status):
    response = raw_request(sandbox_session.url, data)
    assert_error(response, status)
    assert response.headers["connection"] == "close"


def test_bad_framing(raw):
    cl = raw(INSTRUMENTS, method="GET", headers={"Content-Length": "abc"})
    assert_error(cl, 400, message="Content-Length")
    both = raw(
        INSTRUMENTS,
        method="POST",
        headers={"Transfer-Encoding": "chunked"},
        body=b'{"name": "x"}',
    )
    assert_error(both, 400, message="both Content-Length and Transfer-Encoding")
    assert_error(raw("relative/path"), 400)


@pytest.mark.parametrize(
    "codings", [["gzip"], ["gzip, chunked"], ["chunked", "gzip"], ["identity"], ["x" * 100]]
)
def test_an_unknown_transfer_coding_is_501(sandbox_session, codings):
    # 501 is what RFC 9112 asks for here (kept on purpose; see the server's docstring)
    head = f"POST {INSTRUMENTS} HTTP/1.1\r\nHost: x\r\n"
    head += f"Authorization: Bearer {sandbox_session.token}\r\n"
    head += "".join(f"Transfer-Encoding: {c}\r\n" for c in codings) + "\r\n"
    response = raw_request(sandbox_session.url, head.encode() + b"0\r\n\r\n")
    assert_error(response, 501, message="is not supported")
    assert response.headers["connection"] == "close"


def test_chunked_twice_is_400(sandbox_session):
    head = (
        f"POST {INSTRUMENTS} HTTP/1.1\r\nHost: x\r\n"
        f"Authorization: Bearer {sandbox_session.token}\r\n"
        "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n"
    )
    response = raw_request(sandbox_session.url, head.encode() + b"0\r\n\r\n")
    assert_error(response, 400, message="chunked more than once")


def _post_with_lengths(sandbox, lengths: list[str], body: bytes, *, close: str = "") -> bytes:
    """Send a POST with these Content-Length lines and ``body``; all the bytes that come
    back, up to the server closing the connection (without ``close``, it must close it)."""
    head = f"POST {INSTRUMENTS} HTTP/1.1\r\nHost: x\r\n{close}"
    head += f"Authorization: Bearer {sandbox.token}\r\n"
    head += "".join(f"Content-Length: {n}\r\n" for n in lengths) + "\r\n"
    host, port = sandbox.url.removeprefix("http://").rsplit(":", 1)
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(head.encode() + body)
        answer = b""
        while chunk := sock.recv(65536):  # a timeout here: the connection was kept open
            answer += chunk
    return answer


@pytest.mark.parametrize("lengths", [["14", "15"], ["15", "14"], ["14, 15"], ["14", "14, 15"]])
def test_conflicting_content_lengths_are_400_and_close(sandbox, labos, lengths):
    body = b'{"name": "cl"}x'
    answer = _post_with_lengths(sandbox, lengths, body)
    head, _, payload = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 400 ")
    assert b"\r\nConnection: close" in head and b"application/json" in head
    assert answer.count(b"HTTP/1.1 ") == 1  # the rest of the bytes were not a request
    error = json.loads(payload)
    assert error["code"] == 400 and "conflicting Content-Length" in error["message"]
    assert labos.data(INSTRUMENTS + "?name=cl") == []


def test_repeated_equal_content_lengths_are_one_length(sandbox, labos):
    close = "Connection: close\r\n"
    answer = _post_with_lengths(sandbox, ["14", "14"], b'{"name": "cl"}', close=close)
    assert answer.startswith(b"HTTP/1.1 201 ")
    assert [i["name"] for i in labos.data(INSTRUMENTS + "?name=cl")] == ["cl"]


def test_chunked_bodies(labos, sandbox):
    response = labos("POST", INSTRUMENTS, data=iter([b'{"name": ', b'"chunked"}']))
    assert response.request.headers["Transfer-Encoding"] == "chunked"
    assert response.status_code == 201 and response.json()["name"] == "chunked"
    head = (
        f"POST {INSTRUMENTS} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {sandbox.token}\r\n"
        "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
    ).encode()
    bad = raw_request(sandbox.url, head + b"zz\r\n{}\r\n0\r\n\r\n")
    assert_error(bad, 400, message="chunk")


def test_a_short_body_does_not_break_the_server(sandbox, labos):
    head = (
        f"POST {INSTRUMENTS} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {sandbox.token}\r\n"
        "Content-Length: 100\r\n\r\n"
    ).encode()
    host, port = sandbox.url.removeprefix("http://").rsplit(":", 1)
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(head + b'{"name": "sh')
        sock.shutdown(socket.SHUT_WR)
        answer = sock.recv(65536)
    assert answer.startswith(b"HTTP/1.1 400")
    assert labos.get(INSTRUMENTS + "?limit=1").status_code == 200
    assert len(labos.data(INSTRUMENTS)) == 52


def test_expect_100_continue(sandbox):
    host, port = sandbox.url.removeprefix("http://").rsplit(":", 1)
    body = b'{"name": "after continue"}'
    head = (
        f"POST {INSTRUMENTS} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {sandbox.token}\r\n"
        f"Content-Length: {len(body)}\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n"
    ).encode()
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(head)
        assert sock.recv(1024) == b"HTTP/1.1 100 Continue\r\n\r\n"
        sock.sendall(body)
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    assert answer.startswith(b"HTTP/1.1 201")
    # refused before the body is read: the final answer comes without a 100
    refused = head.replace(sandbox.token.encode(), b"wrong")
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(refused)
        assert sock.recv(1024).startswith(b"HTTP/1.1 403")


def test_a_handler_bug_is_a_500_object_and_the_server_keeps_serving(monkeypatch):
    def broken(self, request):
        raise RuntimeError("bug")

    monkeypatch.setattr(LabOS, "get_actions", broken)
    with SandboxServer().start() as server:
        session = requests.Session()
        session.headers["Authorization"] = f"Bearer {server.token}"
        first = session.get(server.url + INSTRUMENTS + "?limit=1").json()["data"][0]
        response = session.get(f"{server.url}{INSTRUMENTS}/{first['id']}/actions")
        body = assert_error(response, 500, message="internal server error")
        assert "bug" not in json.dumps(body)  # no internals leak
        assert "RuntimeError: bug" in server.failures[-1]
        assert session.get(server.url + INSTRUMENTS + "?limit=1").status_code == 200


def test_slow_helper(sandbox_session):
    url = sandbox_session.url + "/_sandbox/slow"
    assert requests.get(url, params={"seconds": "0.1"}, timeout=10).json() == {"slept": 0.1}
    with pytest.raises(requests.exceptions.ReadTimeout):
        requests.get(url, params={"seconds": "5"}, timeout=0.3)
    response = requests.get(url, params={"seconds": "abc"}, timeout=10)
    assert_error(response, 400, message="seconds")
    assert_error(requests.get(url, params={"seconds": "-1"}, timeout=10), 400)


def test_slow_is_capped_at_60_seconds_and_stop_does_not_wait_for_it():
    server = SandboxServer().start()
    answers = []

    def call():
        try:
            answers.append(requests.get(server.url + "/_sandbox/slow?seconds=600", timeout=20))
        except requests.RequestException as exc:
            answers.append(exc)

    thread = threading.Thread(target=call)
    thread.start()
    assert server.slow_started.wait(15), "the slow request never reached the server"
    started = time.monotonic()
    server.stop()
    thread.join(15)
    assert time.monotonic() - started < 10  # a guard against hanging, not a speed test
    assert not thread.is_alive()
    answer = answers[0]
    assert not isinstance(answer, requests.Response) or answer.json() == {"slept": 60.0}


def test_bytes_helper(sandbox_session):
    url = sandbox_session.url + "/_sandbox/bytes"
    for size in (2, 3, 4, 5, 1_000_003, 1_000_004):
        response = requests.get(url, params={"size": size}, timeout=30)
        assert response.status_code == 200
        assert len(response.content) == size == int(response.headers["Content-Length"])
        assert isinstance(json.loads(response.content), list)
    assert_error(requests.get(url, params={"size": "1"}, timeout=10), 400)
    assert_error(requests.get(url, params={"size": "x"}, timeout=10), 400)
    assert_error(requests.get(url, params={"size": str(2**31)}, timeout=10), 400)


def test_stop_hangs_up_open_connections(sandbox):
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {sandbox.token}"
    assert session.get(sandbox.url + INSTRUMENTS + "?limit=1").status_code == 200
    sandbox.stop()
    with pytest.raises(requests.ConnectionError):
        session.get(sandbox.url + INSTRUMENTS + "?limit=1", timeout=5)
