"""Piped output: the body exactly as received, and nothing else on stdout."""

from __future__ import annotations

import io
import tracemalloc

import pytest

from explorer.client.models import RequestSpec, Response
from explorer.render import render_response

TOKEN = "s3cr3t-token-value"


@pytest.mark.parametrize(
    "body",
    [
        b'{"b": 1, "a": [1,2]}',  # not reformatted
        b"\xff\xfe{not json\x00 \x80\n",  # invalid UTF-8, NUL, invalid JSON
        b"",
        bytes(range(256)) * 3,
    ],
)
@pytest.mark.parametrize("stream", [False, True])
def test_exact_bytes_when_piped(capture, make_response, body, stream):
    cap = capture(tty=False, color=True)
    render_response(make_response(body, stream=stream), cap.env)
    assert cap.out_bytes == body
    assert cap.err == ""


def test_error_status_still_only_the_body(capture, make_response):
    body = b'{"code": 404, "message": "Instrument \'x\' not found"}'
    cap = capture(tty=False)
    render_response(make_response(body, status=404, reason="Not Found"), cap.env, table=True)
    assert cap.out_bytes == body
    assert cap.err == ""


def test_verbose_heads_go_to_stderr_redacted(capture, make_response):
    spec = RequestSpec(
        "POST",
        "/public/v1/instruments",
        query=["updatedAt>2023-05-01"],
        headers={"Authorization": f"Bearer {TOKEN}", "apikey": TOKEN, "X-Trace": "t1"},
        json={"name": "P", "password": TOKEN},
    )
    body = b'{"id": "1"}'
    cap = capture(tty=False)
    resp = make_response(body, status=201, reason="Created", headers={"Set-Cookie": f"sid={TOKEN}"})
    render_response(resp, cap.env, verbose=True, spec=spec, base_url="http://127.0.0.1:9/")
    assert cap.out_bytes == body
    err = cap.err
    assert "POST /public/v1/instruments?updatedAt>2023-05-01 HTTP/1.1" in err
    assert "Host: 127.0.0.1:9" in err
    assert "Authorization: Bearer ***" in err
    assert "apikey: ***" in err
    assert "X-Trace: t1" in err
    assert "HTTP/1.1 201 Created  (12 ms)" in err
    assert "Set-Cookie: ***" in err
    assert '"password": "***"' in err
    assert TOKEN not in err
    assert TOKEN.encode() not in cap.out_bytes
    assert "\x1b" not in err


class _CountingSink(io.RawIOBase):
    def __init__(self) -> None:
        self.count = 0
        self.writes = 0

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        self.count += len(data)
        self.writes += 1
        return len(data)


def test_200_mb_streams_with_bounded_memory(capture):
    chunk = b"x" * 65536
    total = 200 * 1024 * 1024
    chunks = (chunk for _ in range(total // len(chunk)))
    sink = _CountingSink()
    stdout = io.TextIOWrapper(io.BufferedWriter(sink), encoding="utf-8")
    cap = capture(tty=False)
    cap.env.stdout = stdout
    resp = Response(
        200, "OK", {"Content-Type": "application/octet-stream"}, "u", 0.1, _stream=chunks
    )
    tracemalloc.start()
    try:
        render_response(resp, cap.env)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert sink.count == total
    assert sink.writes > 100  # written as it arrived, not in one piece
    assert peak < 16 * 1024 * 1024
    assert resp._content is None  # never joined into one bytes object


def test_broken_pipe_stops_quietly(capture):
    closed = []

    class Broken(io.RawIOBase):
        def writable(self) -> bool:
            return True

        def write(self, data) -> int:
            raise BrokenPipeError

    cap = capture(tty=False)
    cap.env.stdout = Broken()
    resp = Response(
        200, "OK", {}, "u", 0.1, _stream=iter([b"a", b"b"]), _close=lambda: closed.append(True)
    )
    render_response(resp, cap.env)
    assert closed == [True]
