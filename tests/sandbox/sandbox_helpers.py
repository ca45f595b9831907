"""Helpers for the sandbox tests: an authorised ``requests`` client, a raw-bytes client
for requests that ``requests`` would normalise (raw ``>`` in a query, bad encodings),
and the error-object check."""

from __future__ import annotations

import http.client
import json
import socket

import requests


class Api:
    """``requests`` against one sandbox, with the LabOS token (or a Labstep key)."""

    def __init__(self, base: str, headers: dict[str, str]) -> None:
        self.base = base
        self.session = requests.Session()
        self.session.trust_env = False
        self.session.headers.update(headers)

    def __call__(self, method: str, path: str, **kwargs) -> requests.Response:
        kwargs.setdefault("timeout", 30)
        return self.session.request(method, self.base + path, **kwargs)

    def get(self, path: str, **kwargs) -> requests.Response:
        return self("GET", path, **kwargs)

    def data(self, path: str) -> list[dict]:
        response = self.get(path)
        assert response.status_code == 200, response.text
        return response.json()["data"]

    def close(self) -> None:
        self.session.close()


class RawResponse:
    def __init__(self, status: int, headers: dict[str, str], body: bytes) -> None:
        self.status = status
        self.headers = headers
        self.body = body

    def json(self):
        return json.loads(self.body)


def raw_request(url: str, data: bytes, *, timeout: float = 10) -> RawResponse:
    """Send ``data`` as is on a new connection and parse the answer with http.client."""
    host, port = url.removeprefix("http://").rsplit(":", 1)
    with socket.create_connection((host, int(port)), timeout=timeout) as sock:
        sock.sendall(data)
        response = http.client.HTTPResponse(sock, method=data.split(b" ", 1)[0].decode())
        response.begin()
        body = response.read()
        return RawResponse(response.status, {k.lower(): v for k, v in response.getheaders()}, body)


def assert_error(response, status: int, *, message: str | None = None) -> dict:
    """The answer is an error object with ``status`` (and ``message`` in its message)."""
    code = response.status if isinstance(response, RawResponse) else response.status_code
    headers = response.headers
    body = response.json()
    assert code == status, (code, body)
    content_type = headers.get("content-type") or headers.get("Content-Type")
    assert content_type.startswith("application/json")
    assert body["code"] == status
    assert isinstance(body["message"], str) and body["message"]
    assert set(body) <= {"code", "message", "details"}
    if message is not None:
        assert message in body["message"], body
    return body
