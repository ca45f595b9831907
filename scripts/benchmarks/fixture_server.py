"""A tiny stdlib HTTP server for the synthetic APIs: ``python -m benchmarks.fixture_server``.

The first path segment picks the API, so one process serves every size and each is
its own explorer server with its own discovery cache::

    /n10000/discover             the /discover document of 10,000 routes (ETag, 304)
    /n10000/public/v1/...        a small JSON answer for any route (lists: three new ids)
    /big/discover                two routes: GET /items, GET /bytes
    /big/items?size=N            a JSON list of objects, about N bytes (default 5 MB)
    /big/bytes?size=N            exactly N bytes of a JSON list of zeros, streamed
    /big/_received               {"at": T}: when the last /big/items request arrived, on
                                 the system-wide monotonic clock (``time.monotonic()``)
    /gh/...                      a small JSON answer for any path (the GitHub spec's
                                 routes, with ``--spec``: nothing is discovered here)

It prints ``listening http://127.0.0.1:PORT`` on stdout once it accepts connections.
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import json
import sys
import time
from functools import lru_cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from benchmarks import synth

_serial = itertools.count(1)


def _fresh(count: int) -> list[int]:
    return [next(_serial) for _ in range(count)]


#: the monotonic time the last /big/items request arrived
_received = {"at": 0.0}
BIG_DISCOVER = json.dumps(
    {"data": [{"method": "GET", "path": "/items"}, {"method": "GET", "path": "/bytes"}]}
).encode()
_ZEROS = b"0," * 32768


@lru_cache(maxsize=8)
def _discover(count: int) -> tuple[bytes, str]:
    body = synth.discover_document(count)
    return body, '"' + hashlib.sha256(body).hexdigest()[:16] + '"'


@lru_cache(maxsize=4)
def _json_list(size: int) -> bytes:
    return synth.json_list(size)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, format, *args):
        pass

    def _answer(self, status: int, body: bytes, etag: str | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        if etag:
            self.send_header("ETag", etag)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _stream_zeros(self, size: int) -> None:
        """``[0,0,...,0]`` of exactly ``size`` bytes (a space pads an even length)."""
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(size))
        self.end_headers()
        if size < 3:
            self.wfile.write(b"[]"[:size])
            return
        inner = size - 2
        tail = b"0" if inner % 2 else b" 0"
        left = inner - len(tail)  # even: whole "0," pairs
        self.wfile.write(b"[")
        while left > 0:
            block = _ZEROS[: min(left, len(_ZEROS))]
            self.wfile.write(block)
            left -= len(block)
        self.wfile.write(tail + b"]")

    def _route(self) -> None:
        arrived = time.monotonic()
        parts = urlsplit(self.path)
        api, _, rest = parts.path.lstrip("/").partition("/")
        rest = "/" + rest
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        if api == "big":
            if rest == "/discover":
                return self._answer(200, BIG_DISCOVER)
            if rest == "/_received":
                return self._answer(200, json.dumps(_received).encode())
            if rest == "/bytes":
                return self._stream_zeros(int(parse_qs(parts.query).get("size", ["0"])[0]))
            if rest == "/items":
                _received["at"] = arrived
                size = int(parse_qs(parts.query).get("size", ["5000000"])[0])
                return self._answer(200, _json_list(size))
        elif api == "gh":
            body = [{"id": n, "number": n, "title": f"issue {n}", "state": "open"}
                    for n in range(1, 4)]
            return self._answer(200, json.dumps(body).encode())
        elif api.startswith("n") and api[1:].isdigit():
            if rest == "/discover":
                body, etag = _discover(int(api[1:]))
                if self.headers.get("If-None-Match") == etag:
                    return self._answer(304, b"", etag)
                return self._answer(200, body, etag)
            if rest.startswith(synth.PREFIX + "/"):
                segments = rest[len(synth.PREFIX) + 1 :].strip("/").split("/")
                if self.command == "GET" and len(segments) % 2:  # a collection
                    # New ids on every answer, as a live server has new objects: a
                    # shell that lists something learns and saves, every run alike.
                    items = [{"id": f"{n:024x}", "name": f"item {n}"} for n in _fresh(3)]
                    return self._answer(200, json.dumps({"data": items}).encode())
                body = {"id": segments[-1], "name": "one"}
                return self._answer(200, json.dumps(body).encode())
        return self._answer(404, b'{"code": 404, "message": "not found"}')

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = _route


def main() -> int:
    parser = argparse.ArgumentParser(prog="fixture_server")
    parser.add_argument("--port", type=int, default=0)
    options = parser.parse_args()
    server = ThreadingHTTPServer(("127.0.0.1", options.port), Handler)
    server.daemon_threads = True
    print(f"listening http://127.0.0.1:{server.server_address[1]}", flush=True)
    try:
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
