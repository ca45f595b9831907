"""``replay FILE --serve``: a recorded session answering as a server, with no server at all.

A request is answered with a recorded response chosen like this (VCR.py's playback,
with Express routes):

1. the same method, path and query (query components compared as a multiset);
2. else the same method and query on a path the recorded route pattern matches
   (``/public/v1/instruments/:id?`` answers for any id).

A request whose query was never recorded for that route is not answered with another
query's response: a list read with ``limit=6`` would otherwise get a ``limit=5`` answer.

When several recorded exchanges fit, they are served in recorded order, and the last
one again once all were served (a list read before and after a create gives both
answers in turn).  ``/discover``, if it was recorded, is served like any exchange, so
the shell can explore the recorded API.  Anything else gets ``404`` with an error
object naming the closest recorded request.  Authentication is not checked.  Request
bodies are read and dropped (``Content-Length`` or chunked); one that cannot be found
gets ``400`` and the connection is closed.
"""

from __future__ import annotations

import difflib
import heapq
import json
import re
import threading
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from explorer.client.models import Request, Response
from explorer.errors import RouteError
from explorer.sessions.format import Exchange, Session, body_bytes, body_path, template_literal

#: difflib compares a missed request with at most this many recorded ones
CLOSEST_LIMIT = 200
#: seconds a connection may stay silent in the middle of a request
READ_TIMEOUT = 30
MAX_LINE = 8192
_SKIP_HEADERS = frozenset(
    {"content-length", "transfer-encoding", "connection", "keep-alive", "date", "server",
     "content-encoding", "set-cookie"}
)


def _query_key(components: list[str]) -> tuple:
    return tuple(sorted(Counter(unquote(c) for c in components if c).items()))


class Playback:
    """Chooses the recorded answer for a request (thread-safe)."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.exchanges = list(session.exchanges)
        self._exact: dict[tuple, list[int]] = {}
        self._routes: list[tuple[str, Any, tuple, int]] = []
        patterns: dict[str, Any] = {}
        for index, exchange in enumerate(self.exchanges):
            # the request as it was sent: a {{ the user typed is one again (format.py)
            method, path = exchange.method, unquote(template_literal(exchange.path))
            query = _query_key([template_literal(c) for c in exchange.query])
            self._exact.setdefault((method, path, query), []).append(index)
            route_path = exchange.route_path
            if route_path:
                if route_path not in patterns:
                    patterns[route_path] = _compile(route_path)
                if patterns[route_path] is not None:
                    self._routes.append((method, patterns[route_path], query, index))
        self._served: Counter = Counter()
        self._lock = threading.Lock()
        self._labels = list(dict.fromkeys(e.label() for e in self.exchanges))

    def choose(self, method: str, target: str) -> Exchange | None:
        path, _, raw_query = target.partition("?")
        path = unquote(path)
        query = _query_key(raw_query.split("&") if raw_query else [])
        candidates = self._exact.get((method, path, query))
        if not candidates:
            candidates = [
                index
                for m, pattern, q, index in self._routes
                if m == method and q == query and pattern.match(path) is not None
            ]
        if not candidates:
            return None
        key = tuple(candidates)
        with self._lock:
            turn = self._served[key]
            self._served[key] += 1
        return self.exchanges[candidates[min(turn, len(candidates) - 1)]]

    def closest(self, method: str, target: str) -> str | None:
        """The recorded request most like ``method target`` (for a 404's details).

        Same-method labels are preferred; difflib compares at most
        :data:`CLOSEST_LIMIT` of them, those sharing the longest prefix with the path.
        """
        if not self._labels:
            return None
        wanted = f"{method} {target}"
        same_method = [label for label in self._labels if label.startswith(method + " ")]
        labels = same_method or self._labels
        if len(labels) > CLOSEST_LIMIT:
            def shared(label: str) -> int:  # characters in common at the start
                path = label.partition(" ")[2]
                pairs = enumerate(zip(path, target, strict=False))
                return next((i for i, (a, b) in pairs if a != b), min(len(path), len(target)))

            labels = heapq.nlargest(CLOSEST_LIMIT, labels, key=shared)
        found = difflib.get_close_matches(wanted, labels, n=1, cutoff=0.0)
        return found[0] if found else None


class BadRequest(Exception):
    """A request whose body cannot be found (answered 400, connection closed)."""


def skip_body(rfile: Any, headers: Any) -> None:
    """Read and drop a request's body, so the next request on the connection is parsed
    where it starts: ``Content-Length`` bytes, or a chunked body to its last chunk."""
    codings = [c.strip().lower() for c in ",".join(headers.get_all("Transfer-Encoding") or [])
               .split(",") if c.strip()]
    if codings:
        if codings[-1] != "chunked":
            raise BadRequest(f"unsupported Transfer-Encoding: {', '.join(codings)}")
        while True:
            line = rfile.readline(MAX_LINE + 1)
            size_text = line.split(b";", 1)[0].strip()
            if len(line) > MAX_LINE or not re.fullmatch(rb"[0-9A-Fa-f]{1,16}", size_text):
                raise BadRequest(f"bad chunk size line: {line[:40]!r}")
            size = int(size_text, 16)
            if size == 0:
                break
            _drop(rfile, size)
            if rfile.readline(MAX_LINE + 1) not in (b"\r\n", b"\n"):
                raise BadRequest("a chunk does not end with CRLF")
        while (trailer := rfile.readline(MAX_LINE + 1)) not in (b"\r\n", b"\n", b""):
            if len(trailer) > MAX_LINE:
                raise BadRequest("a chunked body's trailer line is too long")
        return
    values = headers.get_all("Content-Length") or []
    if not values:
        return
    if len(set(values)) != 1 or not re.fullmatch(r"[0-9]{1,18}", values[0].strip()):
        raise BadRequest(f"bad Content-Length: {', '.join(values)!r}")
    _drop(rfile, int(values[0].strip()))


def _drop(rfile: Any, size: int) -> None:
    while size > 0:
        chunk = rfile.read(min(size, 65536))
        if not chunk:
            raise BadRequest("the request body ended early")
        size -= len(chunk)


def _compile(route_path: str):
    from explorer.routing import RoutePattern

    try:
        return RoutePattern.parse(route_path)
    except RouteError:
        return None


def response_bytes(exchange: Exchange, directory: Path) -> tuple[bytes | Path | None, str]:
    """The recorded body (bytes, or the file that holds it) and its content type."""
    body = exchange.response.get("body")
    headers = exchange.response.get("headers") or {}
    ctype = next((v for k, v in headers.items() if k.lower() == "content-type"), "")
    if body is None:
        return None, ctype
    if "file" in body:
        return body_path(body, directory), ctype or body.get("type", "")
    if "json" in body:
        return json.dumps(body["json"], ensure_ascii=False).encode(), ctype or "application/json"
    return body_bytes(body, directory), ctype or "text/plain; charset=utf-8"


class SessionTransport:
    """A transport (:mod:`explorer.client.transport`) that answers from a recorded
    session by the rules of the module docstring, with no socket: the offline server
    below is an HTTP front on it, and a client can use it directly."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.playback = Playback(session)

    def handle(self, request: Request) -> Response:
        method = request.method.upper()
        parts = urlsplit(request.url)
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        exchange = self.playback.choose(method, target)
        if exchange is None:
            closest = self.playback.closest(method, target)
            error = {
                "code": 404,
                "message": f"no recorded exchange matches {method} {target}",
                "details": f"closest recorded request: {closest}"
                if closest
                else "the session has no exchanges",
            }
            return Response.of(404, json.dumps(error).encode(), reason="Not Found",
                               headers={"Content-Type": "application/json"}, url=request.url)
        recorded = exchange.response
        body, ctype = response_bytes(exchange, self.session.directory)
        headers = {
            k: str(v)
            for k, v in (recorded.get("headers") or {}).items()
            if k.lower() not in _SKIP_HEADERS and k.lower() != "content-type"
        }
        if ctype:
            headers["Content-Type"] = ctype
        reason = recorded.get("reason") or ""
        if isinstance(body, Path):
            headers["Content-Length"] = str(body.stat().st_size)
            return Response.streaming(exchange.status, _file_chunks(body), headers=headers,
                                      reason=reason, url=request.url)
        return Response.of(exchange.status, body or b"", headers=headers, reason=reason,
                           url=request.url)

    def close(self) -> None:
        """Nothing to release."""


def _file_chunks(path: Path):
    with open(path, "rb") as f:
        while chunk := f.read(65536):
            yield chunk


class SessionServer:
    """Serves a session on ``host:port`` (port 0: a free one) from a daemon thread:
    each request is read off the socket and handed to a :class:`SessionTransport`."""

    def __init__(self, session: Session, *, host: str = "127.0.0.1", port: int = 0) -> None:
        self.session = session
        self.transport = SessionTransport(session)
        self.playback = self.transport.playback
        self.host = host
        self.port = port
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> SessionServer:
        transport = self.transport

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            server_version = "explorer-replay"
            timeout = READ_TIMEOUT  # a client that stops sending mid-request is let go

            def log_message(self, format: str, *args: Any) -> None:
                return

            def _answer(self) -> None:
                try:
                    skip_body(self.rfile, self.headers)
                except BadRequest as exc:
                    self.close_connection = True  # the stream is out of step: end it
                    error = json.dumps({"code": 400, "message": str(exc)}).encode()
                    self._send(Response.of(400, error, reason="Bad Request", headers={
                        "Connection": "close", "Content-Type": "application/json"}))
                    return
                host = self.headers.get("Host") or "localhost"
                self._send(transport.handle(Request(self.command, f"http://{host}{self.path}")))

            def _send(self, answer: Response) -> None:
                status = answer.status
                self.send_response(status, answer.reason or None)
                length = answer.headers.get("Content-Length")
                for name, value in answer.headers.items():
                    if name.lower() != "content-length":
                        self.send_header(name, value)
                send = method_has_body(self.command, status)
                if length is not None:
                    self.send_header("Content-Length", length)
                    self.end_headers()
                    for chunk in answer.iter_bytes() if send else ():
                        self.wfile.write(chunk)
                    answer.close()
                    return
                data = answer.content
                if status in (204, 304) or status < 200:
                    data = b""
                else:
                    self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                if data and send:
                    self.wfile.write(data)

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = _answer

        self._httpd = ThreadingHTTPServer((self.host, self.port), Handler)
        self._httpd.daemon_threads = True
        self.port = self._httpd.server_address[1]
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True
        )
        self._thread.start()
        return self

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    def stop(self) -> None:
        httpd, self._httpd = self._httpd, None
        if httpd is not None:
            httpd.shutdown()
            httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def wait(self) -> None:
        """Block until interrupted (Ctrl-C)."""
        if self._thread is not None:
            while self._thread.is_alive():
                self._thread.join(0.5)

    def __enter__(self) -> SessionServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def method_has_body(method: str, status: int) -> bool:
    return method.upper() != "HEAD" and status not in (204, 304)
