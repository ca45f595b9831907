"""Nothing exhausts time or memory: a server that drips its headers or body one byte
every 0.2 s is cut by --max-time (and by the default deadlines of discovery and
probe), and a gzip answer that inflates past the limit is cut with a clear line."""

from __future__ import annotations

import gzip
import json
import socket
import threading

import pytest

from explorer.client import Client, RequestSpec
from explorer.client.transport import RequestsTransport
from explorer.errors import ResponseError, TransportError

LISTING = json.dumps({"data": [{"method": "GET", "path": "/drip-body"}]}).encode()
BOMB = gzip.compress(b"\0" * 5_000_000)


class Dripper:
    """``/drip-head``: a status line, then a header one byte every 0.2 s; ``/drip-body``
    (and ``/discover-drip``): headers promising 1 MB, then one byte every 0.2 s;
    ``/discover``: a listing of /drip-body; ``/bomb``: 5 MB of zeros, gzipped."""

    def __init__(self) -> None:
        self.stop = threading.Event()
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while not self.stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        with conn:
            data = b""
            while b"\r\n\r\n" not in data:
                chunk = conn.recv(4096)
                if not chunk:
                    return
                data += chunk
            path = data.split(b" ")[1].decode()
            try:
                if path == "/discover":
                    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                                 b"Content-Length: %d\r\n\r\n%s" % (len(LISTING), LISTING))
                elif path == "/bomb":
                    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\n"
                                 b"Content-Encoding: gzip\r\nContent-Length: %d\r\n\r\n"
                                 % len(BOMB) + BOMB)
                elif path == "/drip-head":
                    conn.sendall(b"HTTP/1.1 200 OK\r\nX-Drip: ")
                    self._drip(conn)
                else:
                    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                                 b"Content-Length: 1000000\r\n\r\n[")
                    self._drip(conn)
            except OSError:
                return

    def _drip(self, conn: socket.socket) -> None:
        while not self.stop.wait(0.2):  # the server's pace, not the test's clock
            conn.sendall(b"0")

    def close(self) -> None:
        self.stop.set()
        self.sock.close()


@pytest.fixture
def dripper():
    server = Dripper()
    yield server
    server.close()


@pytest.mark.parametrize("path", ["/drip-head", "/drip-body"])
def test_max_time_cuts_a_dripping_answer(run, dripper, path):
    result = run("--url", dripper.url, "--max-time", "1", "call", "GET", path, timeout=60)
    assert result.returncode == 3, result.err
    assert f"{dripper.url} did not finish within 1 s (--max-time)" in result.err
    assert "Traceback" not in result.err


def test_timeout_is_per_read_and_says_so(run):
    shown = run("--help").stdout.decode()
    assert "the longest wait for each read" in shown and "--max-time SECONDS" in shown


def test_discovery_has_a_deadline_of_its_own(dripper, monkeypatch):
    from explorer.discovery import sources

    monkeypatch.setattr(sources, "FETCH_MAX_TIME", 1.0)
    with Client(dripper.url) as client, pytest.raises(TransportError, match="--max-time"):
        sources.DiscoverSource("/discover-drip").fetch(client, None)


def test_each_probe_request_has_a_deadline_of_its_own(dripper, monkeypatch, tmp_path, capsys):
    from explorer.cli import probe
    from explorer.cli.main import main

    monkeypatch.setenv("EXPLORER_HOME", str(tmp_path))
    monkeypatch.setattr(probe, "REQUEST_MAX_TIME", 1.0)
    code = main(["--url", dripper.url, "--no-pager", "probe"])
    out = capsys.readouterr().out
    assert code == 3
    (row,) = [line for line in out.splitlines() if line.startswith("GET /drip-body")]
    assert "timed out" in row  # by the deadline: the drip never lets a read time out


def test_a_gzip_answer_that_inflates_past_the_limit_is_cut(dripper):
    transport = RequestsTransport(decoded_limit=1_000_000)
    with Client(dripper.url, transport=transport) as client:
        answer = client.send(RequestSpec("GET", "/bomb"))
        got = bytearray()
        with pytest.raises(ResponseError) as cut:
            for chunk in answer.iter_bytes():
                got += chunk
    assert len(got) == 1_000_000
    assert str(cut.value) == (f"the body from {dripper.url} inflates past 1,000,000 bytes "
                              "(gzip); cut there")
    with Client(dripper.url) as client:  # the default limit (1 GiB) lets 5 MB through
        assert len(client.send(RequestSpec("GET", "/bomb")).content) == 5_000_000
