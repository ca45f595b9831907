"""Shared fixtures: the sandbox server (explorer.sandbox), real sockets on 127.0.0.1."""

from __future__ import annotations

import pytest

from explorer.sandbox import SandboxServer


@pytest.fixture
def sandbox(tmp_path_factory):
    """A fresh sandbox for one test (its own data); stopped afterwards."""
    storage = tmp_path_factory.mktemp("sandbox-files")
    server = SandboxServer(storage_dir=storage).start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def sandbox_session(tmp_path_factory):
    """One sandbox shared by the whole session: for tests that only read."""
    storage = tmp_path_factory.mktemp("sandbox-session-files")
    server = SandboxServer(storage_dir=storage).start()
    try:
        yield server
    finally:
        server.stop()
