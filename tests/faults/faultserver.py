"""A misbehaving HTTP server on 127.0.0.1, for the fault suite (stdlib sockets and threads).

Each path is one fault; ``FaultServer(default=NAME)`` makes every path (``/discover``
included) behave as fault ``NAME``, and ``FaultServer(discover=NAME)`` chooses what
``/discover`` answers (see :data:`DISCOVER`)::

    /ok             200 {"data": [{"id": "a1", "name": "fine"}]}
    /hang           reads the request, never answers (until the server stops)
    /reset          headers promising 1 MB, 64 KB of the body, then a TCP reset
    /bad-json       200, Content-Type application/json, a body cut in the middle
    /bad-utf8       200, Content-Type application/json; charset=utf-8, invalid UTF-8
    /huge           200, application/octet-stream, HUGE_SIZE bytes streamed (generated)
    /stall          200 promising HUGE_SIZE bytes: STALL_SENT of them, then silence
    /big-headers    200 with 200 headers of 8 KB each (1.6 MB of headers)
    /loop           302 to itself, forever
    /html-500       500 with an HTML error page
    /upload         (POST) reads a little of the body, then closes the connection
    /redirect-host  302 to the same port on ``localhost`` (another host name)
    /echo-headers   200 with the request headers as JSON
    /big-json       200, application/json, BIG_JSON: valid JSON of about 3 MB

Every request's line and headers are kept in :attr:`FaultServer.requests`.
:func:`refused_url` gives the URL of a port on which nothing listens.
"""

from __future__ import annotations

import json
import socket
import struct
import threading
from dataclasses import dataclass, field

HUGE_SIZE = 200 * 1024 * 1024
RESET_PROMISED = 1024 * 1024
RESET_SENT = 64 * 1024
STALL_SENT = 1024 * 1024
MEDIUM = 2_000
BIG_JSON = json.dumps({"data": [{"id": n, "name": "x" * 30} for n in range(60_000)]}).encode()
UPLOAD_READ = 4096
ERROR_PAGE = (
    b"<!DOCTYPE html>\n<html><head><title>500 Internal Server Error</title></head>\n"
    b"<body><h1>Internal Server Error</h1><p>The server encountered an internal error "
    b"and was unable to complete your request.</p></body></html>\n"
)

#: the routes the default ``/discover`` lists: one GET route per fault, and the upload
FAULT_ROUTES = [
    {"method": "GET", "path": "/ok"},
    {"method": "GET", "path": "/hang"},
    {"method": "GET", "path": "/reset"},
    {"method": "GET", "path": "/bad-json"},
    {"method": "GET", "path": "/bad-utf8"},
    {"method": "GET", "path": "/huge"},
    {"method": "GET", "path": "/big-headers"},
    {"method": "GET", "path": "/loop"},
    {"method": "GET", "path": "/html-500"},
    {"method": "POST", "path": "/upload"},
]


def _garbage() -> bytes:
    entries = [
        {"method": "GET", "path": "/ok"},
        42,
        "GET /x",
        None,
        {"method": "GET"},
        {"path": "/no-method"},
        {"method": "GET", "path": "no-slash"},
        {"method": "GET", "path": "/broken/:("},
        {"method": "GET", "path": "/bad-query", "query": "sort"},
        {"method": "POST", "path": "/upload", "max_upload": "big"},
        {"method": ["GET"], "path": "/list-method"},
        {"method": "GET", "path": "/html-500"},
    ]
    return json.dumps({"data": entries}).encode()


def _garbage_many() -> bytes:
    entries = [{"method": "GET", "path": "/ok"}, {"method": "GET", "path": "/html-500"}]
    entries += [{"method": "GET", "path": f"relative/{n}"} for n in range(5_000)]
    entries += [{"method": "GET", "path": "/ok"}] * 5_000
    return json.dumps({"data": entries}).encode()


def _duplicates() -> bytes:
    entries = [{"method": "GET", "path": "/ok"}] * 3 + [
        {"method": "get", "path": "/ok"},
        {"method": "GET", "path": "/html-500"},
        {"method": "GET", "path": "/html-500"},
    ]
    return json.dumps({"data": entries}).encode()


def _unknown_methods() -> bytes:
    entries = [
        {"method": "GET", "path": "/ok"},
        {"method": "FROBNICATE", "path": "/ok"},
        {"method": "BREW", "path": "/coffee"},
        {"method": "G E T", "path": "/spaced"},
        {"method": "GET", "path": "/html-500"},
    ]
    return json.dumps({"data": entries}).encode()


def _medium() -> bytes:
    entries = [{"method": "GET", "path": "/ok"}, {"method": "GET", "path": "/html-500"}]
    entries += [{"method": "GET", "path": f"/bulk/item{n}/:id?"} for n in range(MEDIUM)]
    return json.dumps({"data": entries}, separators=(",", ":")).encode()


def _many() -> bytes:
    entries = [{"method": "GET", "path": "/ok"}, {"method": "GET", "path": "/html-500"}]
    entries += [
        {"method": "GET", "path": f"/bulk/group{n // 100}/item{n}/:id?"} for n in range(99_998)
    ]
    return json.dumps({"data": entries}, separators=(",", ":")).encode()


#: what ``/discover`` answers: (status, content type, body)
DISCOVER = {
    "routes": lambda: (200, "application/json", json.dumps({"data": FAULT_ROUTES}).encode()),
    "garbage": lambda: (200, "application/json", _garbage()),
    "garbage-many": lambda: (200, "application/json", _garbage_many()),
    "duplicates": lambda: (200, "application/json", _duplicates()),
    "unknown-methods": lambda: (200, "application/json", _unknown_methods()),
    "medium": lambda: (200, "application/json", _medium()),
    "many": lambda: (200, "application/json", _many()),
    "error": lambda: (
        200,
        "application/json",
        json.dumps({"code": 403, "message": "discovery is disabled for this key"}).encode(),
    ),
    "error-403": lambda: (
        403,
        "application/json",
        json.dumps({"code": 403, "message": "Forbidden: bad or missing token"}).encode(),
    ),
    "not-json": lambda: (200, "application/json", b'{"data": [{"method": "GET", "pa'),
    "html-500": lambda: (500, "text/html", ERROR_PAGE),
}


@dataclass
class Seen:
    """One request as the server read it."""

    method: str
    target: str
    headers: dict[str, str] = field(default_factory=dict)

    def header(self, name: str) -> str | None:
        for key, value in self.headers.items():
            if key.lower() == name.lower():
                return value
        return None


def refused_url() -> str:
    """``http://127.0.0.1:PORT`` for a port that was just free: connections are refused."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}"


class FaultServer:
    """A loopback server whose every path is a fault; a context manager."""

    def __init__(self, *, discover: str = "routes", default: str | None = None) -> None:
        if discover not in DISCOVER:
            raise ValueError(f"unknown discover mode {discover!r}")
        self.discover = discover
        self.default = default
        self.requests: list[Seen] = []
        self._listener: socket.socket | None = None
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._conns: set[socket.socket] = set()
        self._lock = threading.Lock()
        self.port = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    # -- lifecycle -----------------------------------------------------------------------

    def start(self) -> FaultServer:
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", 0))
        listener.listen(64)
        listener.settimeout(0.2)
        self._listener = listener
        self.port = listener.getsockname()[1]
        thread = threading.Thread(target=self._accept, name="faultserver", daemon=True)
        thread.start()
        self._threads.append(thread)
        return self

    def stop(self) -> None:
        self._stop.set()
        with self._lock:
            conns = list(self._conns)
        for conn in conns:
            try:
                conn.shutdown(socket.SHUT_RDWR)  # wakes a thread blocked reading it
            except OSError:
                pass
        for thread in self._threads:
            thread.join(timeout=5)
        if self._listener is not None:
            self._listener.close()

    def __enter__(self) -> FaultServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def paths(self, method: str = "GET") -> list[str]:
        return [seen.target for seen in self.requests if seen.method == method]

    # -- serving ---------------------------------------------------------------------------

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            with self._lock:
                self._conns.add(conn)
            thread = threading.Thread(target=self._serve, args=(conn,), daemon=True)
            thread.start()
            self._threads.append(thread)

    def _serve(self, conn: socket.socket) -> None:
        conn.settimeout(30)
        reader = conn.makefile("rb")
        reset = False
        try:
            while not self._stop.is_set():
                seen = _read_head(reader)
                if seen is None:
                    return
                self.requests.append(seen)
                path = seen.target.split("?")[0]
                fault = self.default or path.strip("/") or "ok"
                if path == "/discover" and self.default is None:
                    fault = "discover"
                length = int(seen.header("Content-Length") or 0)
                if fault == "upload":
                    reader.read(min(length, UPLOAD_READ))
                    reset = True  # the client is still sending
                    return
                if length:
                    reader.read(length)
                outcome = self._answer(conn, fault, seen)
                if outcome != "keep":
                    reset = outcome == "reset"
                    return
        except OSError:
            return
        finally:
            with self._lock:
                self._conns.discard(conn)
            reader.close()  # the socket's descriptor closes with its last file object
            if reset:
                _reset(conn)
            _close(conn)

    def _answer(self, conn: socket.socket, fault: str, seen: Seen) -> str:
        """Answer one request: "keep" the connection, "close" it or "reset" it."""
        send = conn.sendall
        if fault == "discover":
            status, ctype, body = DISCOVER[self.discover]()
            send(_head(status, ctype, len(body)) + body)
        elif fault == "ok":
            body = json.dumps({"data": [{"id": "a1", "name": "fine"}]}).encode()
            send(_head(200, "application/json", len(body)) + body)
        elif fault == "hang":
            self._stop.wait()
            return "close"
        elif fault == "reset":
            send(_head(200, "application/json", RESET_PROMISED))
            send(b'{"data": "' + b"x" * (RESET_SENT - 10))
            # A reset throws away what the peer has not read yet: give the client a
            # moment to read what was sent, as a server dying mid-body would.
            self._stop.wait(0.5)
            return "reset"
        elif fault == "bad-json":
            body = b'{"data": [{"id": "a1", "name": "cut off'
            send(_head(200, "application/json", len(body)) + body)
        elif fault == "bad-utf8":
            body = b'{"name": "caf\xe9 \xff\xfe broken"}'
            send(_head(200, "application/json; charset=utf-8", len(body)) + body)
        elif fault == "huge":
            send(_head(200, "application/octet-stream", HUGE_SIZE))
            chunk = bytes(range(256)) * 4096  # 1 MB
            for _ in range(HUGE_SIZE // len(chunk)):
                send(chunk)
        elif fault == "stall":
            send(_head(200, "application/octet-stream", HUGE_SIZE))
            send(b"s" * STALL_SENT)
            self._stop.wait()
            return "close"
        elif fault == "big-headers":
            body = b"{}"
            head = _head(200, "application/json", len(body), end=False)
            extra = b"".join(b"X-Filler-%d: %s\r\n" % (n, b"f" * 8192) for n in range(200))
            send(head + extra + b"\r\n" + body)
        elif fault == "loop":
            send(_head(302, "text/plain", 0, location=seen.target))
        elif fault == "html-500":
            send(_head(500, "text/html; charset=utf-8", len(ERROR_PAGE)) + ERROR_PAGE)
        elif fault == "redirect-host":
            location = f"http://localhost:{self.port}/echo-headers"
            send(_head(302, "text/plain", 0, location=location))
        elif fault == "big-json":
            send(_head(200, "application/json", len(BIG_JSON)) + BIG_JSON)
        elif fault == "echo-headers":
            body = json.dumps(seen.headers).encode()
            send(_head(200, "application/json", len(body)) + body)
        else:
            body = json.dumps({"code": 404, "message": f"no fault {fault!r}"}).encode()
            send(_head(404, "application/json", len(body)) + body)
        return "keep"


_REASONS = {
    200: "OK",
    302: "Found",
    403: "Forbidden",
    404: "Not Found",
    500: "Internal Server Error",
}


def _head(
    status: int, ctype: str, length: int, *, location: str | None = None, end: bool = True
) -> bytes:
    lines = [
        f"HTTP/1.1 {status} {_REASONS.get(status, 'Unknown')}",
        f"Content-Type: {ctype}",
        f"Content-Length: {length}",
    ]
    if location:
        lines.append(f"Location: {location}")
    return ("\r\n".join(lines) + "\r\n" + ("\r\n" if end else "")).encode()


def _read_head(reader) -> Seen | None:
    line = reader.readline(65536)
    if not line.strip():
        return None
    parts = line.decode("latin-1").split()
    if len(parts) < 2:
        return None
    seen = Seen(parts[0], parts[1])
    while True:
        raw = reader.readline(65536)
        if raw in (b"\r\n", b"\n", b""):
            break
        name, _, value = raw.decode("latin-1").partition(":")
        seen.headers[name.strip()] = value.strip()
    return seen


def _reset(conn: socket.socket) -> None:
    """Close with SO_LINGER 0: the peer sees a TCP reset, not an orderly end."""
    try:
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    except OSError:
        pass
    _close(conn)


def _close(conn: socket.socket) -> None:
    try:
        conn.close()
    except OSError:
        pass
