"""Fixtures for the renderer: an OutputEnv over in-memory streams."""

from __future__ import annotations

import io
from dataclasses import dataclass

import pytest

from explorer.client.models import Response
from explorer.render import OutputEnv


@dataclass
class Captured:
    env: OutputEnv
    raw: io.BytesIO
    stdout: io.TextIOWrapper
    stderr: io.StringIO

    @property
    def out_bytes(self) -> bytes:
        self.stdout.flush()
        return self.raw.getvalue()

    @property
    def out(self) -> str:
        return self.out_bytes.decode("utf-8")

    @property
    def err(self) -> str:
        return self.stderr.getvalue()


@pytest.fixture
def capture():
    def make(*, tty: bool = True, color: bool = False, **kwargs) -> Captured:
        raw = io.BytesIO()
        stdout = io.TextIOWrapper(raw, encoding="utf-8", newline="")
        stderr = io.StringIO()
        env = OutputEnv(stdout, stderr, stdout_isatty=tty, color=color, **kwargs)
        return Captured(env, raw, stdout, stderr)

    return make


@pytest.fixture
def make_response():
    return _response


def _response(
    body: bytes = b"",
    *,
    status: int = 200,
    reason: str = "OK",
    ctype: str | None = "application/json",
    headers: dict[str, str] | None = None,
    elapsed: float = 0.012,
    stream: bool = False,
) -> Response:
    all_headers = {"Content-Type": ctype} if ctype else {}
    all_headers.update(headers or {})
    if stream:
        chunks = [body[i : i + 7] for i in range(0, len(body), 7)]
        return Response(
            status, reason, all_headers, "http://127.0.0.1/x", elapsed, _stream=iter(chunks)
        )
    return Response(status, reason, all_headers, "http://127.0.0.1/x", elapsed, _content=body)
