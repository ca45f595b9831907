"""Fixtures for the sandbox tests (the servers themselves come from tests/conftest.py)."""

from __future__ import annotations

import pytest
from sandbox_helpers import Api, RawResponse, raw_request


@pytest.fixture
def labos(sandbox):
    api = Api(sandbox.url, {"Authorization": f"Bearer {sandbox.token}"})
    yield api
    api.close()


@pytest.fixture(scope="module")
def reader(sandbox_session):
    """LabOS client on the shared sandbox: for tests that do not write."""
    api = Api(sandbox_session.url, {"Authorization": f"Bearer {sandbox_session.token}"})
    yield api
    api.close()


@pytest.fixture
def labstep(sandbox):
    api = Api(sandbox.url, {"apikey": sandbox.api_key})
    yield api
    api.close()


@pytest.fixture
def raw(sandbox_session):
    """``raw(target, method="GET", headers=..., body=b"")`` on the shared sandbox."""

    def send(
        target: str,
        *,
        method: str = "GET",
        headers: dict[str, str] | None = None,
        body: bytes = b"",
        token: bool = True,
    ) -> RawResponse:
        lines = [f"{method} {target} HTTP/1.1", "Host: sandbox", "Connection: close"]
        if token:
            lines.append(f"Authorization: Bearer {sandbox_session.token}")
        for key, value in (headers or {}).items():
            lines.append(f"{key}: {value}")
        if body or method in ("POST", "PUT", "PATCH"):
            lines.append(f"Content-Length: {len(body)}")
        head = "\r\n".join(lines) + "\r\n\r\n"
        return raw_request(sandbox_session.url, head.encode("latin-1") + body)

    return send
