"""A /discover server that counts how often the routes are fetched (with ETags)."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

ROUTES = [
    {"method": "GET", "path": "/public/v1/instruments/:id?"},
    {"method": "POST", "path": "/public/v1/instruments"},
]


@pytest.fixture
def discover_server():
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_GET(self):
            server.seen.append((self.path, self.headers.get("If-None-Match")))
            body = json.dumps({"data": server.routes}).encode()
            etag = f'"{len(server.routes)}"'
            if self.path == "/discover" and self.headers.get("If-None-Match") == etag:
                self.send_response(304)
                self.send_header("ETag", etag)
                self.end_headers()
                return
            if self.path != "/discover":
                body = b'{"ok": true}'
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("ETag", etag)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    server.seen = []
    server.routes = list(ROUTES)
    server.url = f"http://127.0.0.1:{server.server_port}"
    server.fetches = lambda: sum(1 for path, _ in server.seen if path == "/discover")
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server
    server.shutdown()
    server.server_close()
