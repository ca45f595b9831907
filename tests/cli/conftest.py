"""Run the real console script in a subprocess, with its own EXPLORER_HOME."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

EXPLORER = [sys.executable, "-m", "explorer"]


class Runner:
    def __init__(self, home: Path) -> None:
        self.home = home

    def env(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith("EXPLORER_") and k not in ("NO_COLOR", "PAGER")
        }
        env.update({"EXPLORER_HOME": str(self.home), "NO_PROXY": "*", "TERM": "dumb"})
        env.update(extra or {})
        return env

    def __call__(self, *args: str, input: str | None = None, env=None, timeout: float = 60):
        return subprocess.run(
            [*EXPLORER, *args],
            input=input,
            capture_output=True,
            text=True,
            env=self.env(env),
            timeout=timeout,
        )

    def json(self, *args: str, **kwargs):
        """Run, insist on exit 0, and parse stdout as JSON."""
        import json

        result = self(*args, **kwargs)
        assert result.returncode == 0, f"exit {result.returncode}: {result.stderr}"
        return json.loads(result.stdout)

    def raw(self, *args: str, env=None, timeout: float = 60):
        return subprocess.run(
            [*EXPLORER, *args], capture_output=True, env=self.env(env), timeout=timeout
        )


@pytest.fixture
def run(tmp_path) -> Runner:
    home = tmp_path / "home"
    home.mkdir()
    return Runner(home)


@pytest.fixture
def labos(sandbox):
    """Global options for the sandbox's LabOS API."""
    return ["--url", sandbox.url, f"--token={sandbox.token}"]


class _Log:
    """A write-only text stream keeping the sandbox's request lines."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    def write(self, text: str) -> int:
        self.lines.extend(line for line in text.splitlines() if line)
        return len(text)

    def flush(self) -> None:
        pass

    def count(self, needle: str) -> int:
        return sum(needle in line for line in self.lines)


@pytest.fixture
def logged(tmp_path_factory):
    """A sandbox that logs every request: ``logged.log.count('GET /discover ')``."""
    from explorer.sandbox import SandboxServer

    log = _Log()
    server = SandboxServer(storage_dir=tmp_path_factory.mktemp("logged-files"), log=log).start()
    server.log_lines = log
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def echo_server():
    """A server that answers every GET with the request's headers (``seen`` keeps them);
    its /discover lists ``GET /echo``."""
    from loopback import QuietHandler, serving

    class Handler(QuietHandler):
        def do_GET(self):
            headers = dict(self.headers.items())
            server.seen.append({"path": self.path, **headers})
            data = {"data": [{"method": "GET", "path": "/echo"}]}
            self.send_json(data if self.path == "/discover" else headers)

    with serving(Handler) as server:
        server.seen = []
        yield server
