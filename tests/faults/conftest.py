"""Fixtures of the fault suite: the misbehaving server (faultserver.py), and the real
console script run as a subprocess with EXPLORER_HOME and the working dir in tmp_path
(faultcli.py)."""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
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


@dataclass
class ManyRoutes:
    """A fault server listing 100,000 routes, and an EXPLORER_HOME whose cache holds them
    (built once by ``first``, the cold command that fetched and cached the listing)."""

    server: FaultServer
    home: Path
    first: object  # the CompletedProcess of the cold command
    discovers_after_first: int

    def warm_home(self, dest: Path) -> Path:
        """A copy of the home with the cache in it, at ``dest`` (each test its own)."""
        shutil.copytree(self.home, dest)
        return dest


@pytest.fixture(scope="session")
def many_routes(tmp_path_factory):
    """Fetching, parsing and caching 100,000 routes costs seconds: the three tests that
    need them share one cold fetch.  They carry ``xdist_group("many-routes")``, so under
    ``--dist loadgroup`` they run in one worker and this fixture is built once."""
    root = tmp_path_factory.mktemp("many-routes")
    home, work = root / "home", root / "work"
    home.mkdir()
    work.mkdir()
    with FaultServer(discover="many") as server:
        # The first command fetches all of them, builds the registry and caches it.
        first = Runner(home, work)("--url", server.url, "bulk", "group999", "item99900",
                                   "get", "x1", timeout=300)
        count = sum(1 for seen in server.requests if seen.target == "/discover")
        yield ManyRoutes(server, home, first, count)
