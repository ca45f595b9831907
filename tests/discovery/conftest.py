"""A stub /discover answer whose body, ETag and failures the test controls, served by
a mock transport (no socket: the client's transport seam)."""

from __future__ import annotations

import hashlib
import json

import pytest

from explorer.client.models import Response
from explorer.client.transport import MockTransport
from explorer.errors import TransportError


class Stub:
    url = "http://discover.test"

    def __init__(self):
        self.routes = [
            {"method": "GET", "path": "/public/v1/instruments/:id?"},
            {"method": "POST", "path": "/public/v1/instruments"},
        ]
        self.body: bytes | None = None
        self.status = 200
        self.requests: list[dict] = []
        self.stopped = False
        self.transport = MockTransport(self.answer)

    def stop(self) -> None:
        """From now on the server cannot be reached, as a refused connection."""
        self.stopped = True

    def answer(self, request) -> Response:
        if self.stopped:
            raise TransportError(f"cannot reach {self.url}: connection refused", reason="refused")
        path = request.url.removeprefix(self.url)
        self.requests.append({"path": path, "if_none_match": request.headers.get("If-None-Match")})
        body = self.body if self.body is not None else json.dumps({"data": self.routes}).encode()
        etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
        if request.headers.get("If-None-Match") == etag and self.status == 200:
            return Response.of(304, headers={"ETag": etag}, url=request.url)
        return Response.of(self.status, body, url=request.url,
                           headers={"Content-Type": "application/json", "ETag": etag})


@pytest.fixture
def stub():
    return Stub()
