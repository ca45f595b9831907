"""A hostile HTTP server on 127.0.0.1: every string it controls carries terminal escapes.

Its reason phrases, header names and values, ``/discover`` paths, command names and
summaries, JSON keys and values, list footers, error objects, HTML pages and text
bodies hold an OSC 0 title (``ESC ] 0 ; ... BEL``), OSC 8 hyperlinks, CSI sequences
(clear screen, the alternate screen), their C1 forms (U+009B CSI, U+009D OSC), DEL and
bare carriage returns (:data:`EVIL`).  The tests assert that none of it reaches a
terminal raw: explorer shows it escaped (``\\x1b]0;...``).

    /discover   routes whose paths, command names and summaries are hostile; with
                ``server.discover_fails = True``, a 500 whose error message is hostile
    /items      200 with a hostile reason phrase and headers; a list (a table on a
                terminal) whose keys, values and footer are hostile
    /one        one object with hostile keys and values (pretty JSON, highlighted)
    /error      404 with an error object whose message and details are hostile
    /html       500 with an HTML page holding the sequences
    /text       200 text/plain with the sequences and bare carriage returns
    /xml        200 application/xml (highlighted by pygments) with the sequences

Stdlib only (http.server), port 0; the response heads are written as raw bytes, so the
status line and the headers carry exactly what :data:`EVIL` holds (Latin-1: one byte per
character, as an HTTP head is read).
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

#: the sequences, each ending in a marker word a test can look for
TITLE = "\x1b]0;PWNED-TITLE\x07"
LINK = "\x1b]8;;http://evil.example/\x1b\\PWNED-LINK\x1b]8;;\x1b\\"
CSI = "\x1b[2J\x1b[?1049hPWNED-CSI"
C1 = "\x9b2J\x9d0;PWNED-C1\x9c"
CR = "shown\rPWNED-CR"
DEL = "x\x7fPWNED-DEL"
EVIL = TITLE + LINK + CSI + C1 + CR + DEL
#: what a route pattern can hold (no brackets or parentheses, which would be a regex)
IN_PATH = TITLE + "\x9d0;PWNED-C1\x9c" + DEL
#: the raw sequences no terminal may receive from the server (as UTF-8 bytes)
RAW = [s.encode() for s in ("\x1b]0;", "\x1b]8;", "\x1b[2J", "\x1b[?1049h", "\x9b", "\x9d",
                             "\x9c", "\x07", "\x7f", "\rPWNED")]  # fmt: skip
#: what the server's text looks like once shown escaped
SHOWN = "\\x1b]0;PWNED-TITLE"


def routes() -> list[dict]:
    return [
        {"method": "GET", "path": "/items", "command": "items list", "summary": "List " + EVIL},
        {"method": "GET", "path": "/items/:id"},
        {"method": "GET", "path": "/one"},
        {"method": "GET", "path": "/error"},
        {"method": "GET", "path": "/html"},
        {"method": "GET", "path": "/text"},
        {"method": "GET", "path": "/xml"},
        {"method": "GET", "path": "/evil" + IN_PATH + "a/:id"},
        {"method": "GET", "path": "/evil" + IN_PATH + "b"},
        {"method": "POST", "path": "/things", "command": "things make" + EVIL},
        {"method": "POST", "path": "/things/other", "command": "things mark" + EVIL},
        {"method": "GET", "path": "no-slash" + EVIL},  # skipped, with a warning quoting it
    ]


def items() -> dict:
    rows = [
        {"id": "a1", "name": "first " + EVIL, "kind" + EVIL: "plain"},
        {"id": "a2", "name": "second", "note": {"nested": EVIL}},
    ]
    return {"data": rows, "next" + EVIL: EVIL, "count": 2}


BODIES = {
    "/items": (200, "OK " + EVIL, "application/json", lambda: json.dumps(items())),
    "/one": (200, "OK", "application/json",
             lambda: json.dumps({"name": EVIL, EVIL: 1, "raw": "\x9b\x9d"}, ensure_ascii=False)),
    "/error": (404, "Not Found " + EVIL, "application/json",
               lambda: json.dumps({"code": 404, "message": "no " + EVIL,
                                   "details": {"field" + EVIL: EVIL}}, ensure_ascii=False)),
    "/html": (500, "Internal Server Error", "text/html",
              lambda: f"<html><title>{EVIL}</title><body><h1>{EVIL}</h1></body></html>"),
    "/text": (200, "OK", "text/plain", lambda: f"line one {EVIL}\nline two\r\nend\r"),
    "/xml": (200, "OK", "application/xml", lambda: f"<a b='{EVIL}'>{EVIL}</a>"),
}  # fmt: skip


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args) -> None:  # quiet
        return

    def do_GET(self) -> None:
        path = self.path.split("?")[0]
        if path == "/discover" and self.server.discover_fails:  # type: ignore[attr-defined]
            message = {"code": 500, "message": "discovery broke " + EVIL}
            self._send(500, "Internal Server Error", "application/json", json.dumps(message))
        elif path == "/discover":
            self._send(200, "OK", "application/json", json.dumps({"data": routes()}))
        elif path in BODIES:
            status, reason, ctype, body = BODIES[path]
            self._send(status, reason, ctype, body())
        else:
            message = {"code": 404, "message": "nothing at " + EVIL}
            self._send(404, "Not Found", "application/json", json.dumps(message))

    do_POST = do_GET

    def _send(self, status: int, reason: str, ctype: str, body: str) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        data = body.encode()
        head = (
            f"HTTP/1.1 {status} {reason}\r\n"
            f"Content-Type: {ctype}; charset=utf-8\r\n"
            f"Content-Length: {len(data)}\r\n"
            f"X-Evil: {EVIL}\r\n"
            f"X-Evil-{TITLE.strip()}: name\r\n"
            "\r\n"
        )
        self.wfile.write(head.encode("latin-1") + data)
        self.wfile.flush()


class HostileServer:
    """A context manager: ``with HostileServer() as server: server.url``."""

    def __init__(self) -> None:
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._server.daemon_threads = True
        self._server.discover_fails = False  # type: ignore[attr-defined]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    @property
    def discover_fails(self) -> bool:
        return self._server.discover_fails  # type: ignore[attr-defined]

    @discover_fails.setter
    def discover_fails(self, value: bool) -> None:
        self._server.discover_fails = value  # type: ignore[attr-defined]

    def __enter__(self) -> HostileServer:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(5)
