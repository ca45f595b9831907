"""A /discover answer that counts how often the routes are fetched (with ETags), served
by a mock transport (no socket: the client's transport seam)."""

from __future__ import annotations

import json
from types import SimpleNamespace

import pytest

from explorer.client.models import Response
from explorer.client.transport import MockTransport

ROUTES = [
    {"method": "GET", "path": "/public/v1/instruments/:id?"},
    {"method": "POST", "path": "/public/v1/instruments"},
]


@pytest.fixture
def discover_server():
    server = SimpleNamespace(url="http://discover.test", seen=[], routes=list(ROUTES))

    def answer(request) -> Response:
        path = request.url.removeprefix(server.url)
        server.seen.append((path, request.headers.get("If-None-Match")))
        body = json.dumps({"data": server.routes}).encode()
        etag = f'"{len(server.routes)}"'
        if path == "/discover" and request.headers.get("If-None-Match") == etag:
            return Response.of(304, headers={"ETag": etag}, url=request.url)
        if path != "/discover":
            body = b'{"ok": true}'
        return Response.of(200, body, url=request.url,
                           headers={"Content-Type": "application/json", "ETag": etag})

    server.transport = MockTransport(answer)
    server.fetches = lambda: sum(1 for path, _ in server.seen if path == "/discover")
    return server
