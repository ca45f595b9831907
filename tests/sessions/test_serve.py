"""``replay --serve``: recorded answers served offline, matched by method, route and query."""

from __future__ import annotations

import json
import subprocess
import sys
import time

import requests

from explorer.sessions.format import read_session
from explorer.sessions.serve import SessionServer


def test_recorded_answers_by_exact_request_and_by_route(labos_session):
    session = read_session(labos_session)
    with SessionServer(session).start() as server:
        listing = requests.get(f"{server.url}/public/v1/instruments?sort=name&limit=3"
                               "&fields=name,family", timeout=5)
        assert listing.status_code == 200
        assert listing.json() == session.exchanges[1].response_json
        discover = requests.get(f"{server.url}/discover", timeout=5)
        assert discover.json() == session.exchanges[0].response_json
        # same query, another order: still the recorded answer
        again = requests.get(f"{server.url}/public/v1/instruments?limit=3&fields=name,family"
                             "&sort=name", timeout=5)
        assert again.json() == listing.json()
        created = requests.post(server.url + session.exchanges[4].path, json={}, timeout=5)
        assert created.status_code == 201
        assert created.json()["status"] == session.exchanges[4].response_json["status"]


def test_a_route_pattern_answers_for_another_id(tmp_path):
    header = {"session": "explorer", "format": 1, "explorer": "0", "created": "x",
              "vars": {"base_url": "http://h"}, "routes": None, "auth": None}
    one = {"step": 1, "route": "GET /public/v1/instruments/:id?",
           "request": {"method": "GET", "path": "/public/v1/instruments/abc", "query": []},
           "response": {"status": 200, "headers": {"Content-Type": "application/json"},
                        "body": {"json": {"id": "abc"}}}}
    path = tmp_path / "s.jsonl"
    path.write_text(json.dumps(header) + "\n" + json.dumps(one) + "\n")
    with SessionServer(read_session(path)).start() as server:
        answer = requests.get(f"{server.url}/public/v1/instruments/zzz", timeout=5)
        assert answer.status_code == 200 and answer.json() == {"id": "abc"}
        assert requests.get(f"{server.url}/public/v1/instruments/zzz?x=1",
                            timeout=5).status_code == 404


def test_unmatched_requests_get_a_404_naming_the_closest(labos_session):
    session = read_session(labos_session)
    with SessionServer(session).start() as server:
        answer = requests.get(f"{server.url}/public/v1/instrumentz?sort=name", timeout=5)
        assert answer.status_code == 404
        error = answer.json()
        assert error["code"] == 404
        wanted = "no recorded exchange matches GET /public/v1/instrumentz?sort=name"
        assert error["message"] == wanted
        assert error["details"].startswith("closest recorded request: GET /public/v1/instruments")
        assert requests.delete(f"{server.url}/discover", timeout=5).status_code == 404


def test_a_query_never_recorded_is_a_404_not_another_querys_answer(labos_session):
    session = read_session(labos_session)
    with SessionServer(session).start() as server:
        recorded = requests.get(f"{server.url}/public/v1/instruments?sort=name&limit=3"
                                "&fields=name,family", timeout=5)
        assert recorded.status_code == 200
        other = requests.get(f"{server.url}/public/v1/instruments?sort=name&limit=6", timeout=5)
        assert other.status_code == 404
        assert other.json()["details"].startswith(
            "closest recorded request: GET /public/v1/instruments?")
        bare = requests.get(f"{server.url}/public/v1/instruments", timeout=5)
        assert bare.status_code == 404


def test_repeated_requests_are_served_in_recorded_order(tmp_path):
    header = {"session": "explorer", "format": 1, "explorer": "0", "created": "x",
              "vars": {"base_url": "http://h"}, "routes": None, "auth": None}

    def exchange(step, names):
        return {"step": step, "request": {"method": "GET", "path": "/things", "query": []},
                "response": {"status": 200, "headers": {"Content-Type": "application/json"},
                             "body": {"json": {"names": names}}}}

    path = tmp_path / "s.jsonl"
    path.write_text("\n".join(json.dumps(x) for x in
                              (header, exchange(1, ["a"]), exchange(2, ["a", "b"]))) + "\n")
    with SessionServer(read_session(path)).start() as server:
        seen = [requests.get(f"{server.url}/things", timeout=5).json()["names"] for _ in range(3)]
    assert seen == [["a"], ["a", "b"], ["a", "b"]]


def test_the_cli_serves_until_interrupted(labos_session, tmp_path):
    import os
    import signal

    env = {k: v for k, v in os.environ.items() if not k.startswith("EXPLORER_")}
    env.update(EXPLORER_HOME=str(tmp_path / "home"), NO_PROXY="*")
    process = subprocess.Popen(
        [sys.executable, "-m", "explorer", "replay", str(labos_session), "--serve"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
    )
    try:
        line = process.stdout.readline()
        assert "serving labos-tour.jsonl (7 exchanges) at http://127.0.0.1:" in line
        url = line.rsplit(" ", 1)[1].strip()
        deadline = time.monotonic() + 10
        while True:
            try:
                answer = requests.get(f"{url}/discover", timeout=5)
                break
            except requests.ConnectionError:
                assert time.monotonic() < deadline
                time.sleep(0.05)
        assert answer.status_code == 200 and "data" in answer.json()
    finally:
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=10) == 0


def _raw(url: str, data: bytes) -> bytes:
    """Send ``data`` on one connection; everything the server answers until it closes."""
    import socket
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    with socket.create_connection((parts.hostname, parts.port), timeout=5) as s:
        s.sendall(data)
        s.shutdown(socket.SHUT_WR)
        out = b""
        while chunk := s.recv(65536):
            out += chunk
    return out


def test_a_bad_content_length_is_a_400_not_a_traceback(labos_session, capfd):
    session = read_session(labos_session)
    with SessionServer(session).start() as server:
        for length in (b"abc", b"-5", b"1e3"):
            answer = _raw(server.url, b"POST /discover HTTP/1.1\r\nHost: x\r\n"
                          b"Content-Length: " + length + b"\r\n\r\n")
            head, _, body = answer.partition(b"\r\n\r\n")
            assert head.startswith(b"HTTP/1.1 400 "), answer
            assert json.loads(body)["code"] == 400
            assert b"Content-Length" in body
        answer = _raw(server.url, b"POST /discover HTTP/1.1\r\nHost: x\r\n"
                      b"Transfer-Encoding: gzip\r\n\r\n")
        assert answer.startswith(b"HTTP/1.1 400 "), answer
        assert requests.get(f"{server.url}/discover", timeout=5).status_code == 200
    assert "Traceback" not in capfd.readouterr().err


def test_chunked_request_bodies_are_read_so_keep_alive_stays_in_step(labos_session):
    import http.client
    from urllib.parse import urlsplit

    session = read_session(labos_session)
    created = session.exchanges[4]
    with SessionServer(session).start() as server:
        parts = urlsplit(server.url)
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=5)
        try:
            connection.request("POST", created.path, body=iter([b'{"action":', b'"prime"}']),
                               headers={"Content-Type": "application/json"},
                               encode_chunked=True)
            first = connection.getresponse()
            assert first.status == 201 and json.loads(first.read())["status"]
            connection.request("GET", "/discover")  # the same connection
            second = connection.getresponse()
            assert second.status == 200 and "data" in json.loads(second.read())
        finally:
            connection.close()
        answer = _raw(server.url, b"POST /discover HTTP/1.1\r\nHost: x\r\n"
                      b"Transfer-Encoding: chunked\r\n\r\nzz\r\n")
        assert answer.startswith(b"HTTP/1.1 400 "), answer


def test_closest_compares_a_bounded_number_of_labels(tmp_path, monkeypatch):
    import difflib

    from explorer.sessions import serve

    header = {"session": "explorer", "format": 1, "explorer": "0", "created": "x",
              "vars": {"base_url": "http://h"}, "routes": None, "auth": None}
    lines = [json.dumps(header)]
    for i in range(3000):
        lines.append(json.dumps({
            "step": i + 1, "request": {"method": "GET", "path": f"/things/{i}", "query": []},
            "response": {"status": 200, "body": None}}))
    path = tmp_path / "many.jsonl"
    path.write_text("\n".join(lines) + "\n")
    sizes = []
    real = difflib.get_close_matches

    def counting(word, possibilities, *args, **kwargs):
        sizes.append(len(possibilities))
        return real(word, possibilities, *args, **kwargs)

    monkeypatch.setattr(serve.difflib, "get_close_matches", counting)
    playback = serve.Playback(read_session(path))
    assert playback.closest("GET", "/things/2999x") == "GET /things/2999"
    assert playback.closest("POST", "/things/17") == "GET /things/17"
    assert sizes and max(sizes) <= serve.CLOSEST_LIMIT < 3000


def test_a_typed_braces_in_a_recorded_query_is_served_for_the_same_query(tmp_path):
    """The session writes a {{ the user sent as {{'{{'}}: serve compares the request as
    it was sent, so the same query (with its braces) gets the recorded answer."""
    header = {"session": "explorer", "format": 1, "explorer": "0", "created": "x",
              "vars": {"base_url": "http://h"}, "routes": None, "auth": None}
    one = {"step": 1, "request": {"method": "GET", "path": "/notes",
                                  "query": ["q={{'{{'}}draft}}"]},
           "response": {"status": 200, "headers": {"Content-Type": "application/json"},
                        "body": {"json": {"found": 1}}}}
    path = tmp_path / "s.jsonl"
    path.write_text(json.dumps(header) + "\n" + json.dumps(one) + "\n")
    with SessionServer(read_session(path)).start() as server:
        import http.client
        from urllib.parse import urlsplit

        connection = http.client.HTTPConnection(urlsplit(server.url).netloc, timeout=5)
        connection.request("GET", "/notes?q={{draft}}")
        answer = connection.getresponse()
        assert answer.status == 200 and json.loads(answer.read()) == {"found": 1}
        connection.close()
