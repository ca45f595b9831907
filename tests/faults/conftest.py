"""Fixtures of the fault suite: the misbehaving server (faultserver.py), and the real
console script run as a subprocess with EXPLORER_HOME and the working dir in tmp_path
(faultcli.py)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from faultcli import Runner
from faultserver import FaultServer, refused_url


@pytest.fixture
def run(tmp_path) -> Runner:
    home, work = tmp_path / "home", tmp_path / "work"
    home.mkdir()
    work.mkdir()
    return Runner(home, work)


@pytest.fixture
def faults():
    """A fault server whose /discover lists one GET route per fault (and POST /upload)."""
    with FaultServer() as server:
        yield server


@pytest.fixture
def make_faults():
    """``make_faults(discover=..., default=...)``: more fault servers, stopped afterwards."""
    servers: list[FaultServer] = []

    def make(**kwargs) -> FaultServer:
        server = FaultServer(**kwargs).start()
        servers.append(server)
        return server

    try:
        yield make
    finally:
        for server in servers:
            server.stop()


@pytest.fixture
def refused() -> str:
    return refused_url()


@pytest.fixture
def upload_file(tmp_path) -> Path:
    """3 MB of data to upload: more than the fault server reads before it hangs up."""
    path = tmp_path / "plate-readings.bin"
    path.write_bytes(os.urandom(1024) * 3 * 1024)
    return path
