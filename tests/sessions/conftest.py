"""Fixtures for the session tests: flows recorded in-process against the sandbox, a
fresh sandbox to replay them on, and a runner for the real console script."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from explorer.client import Client, api_key, bearer
from explorer.engine import Engine
from explorer.sandbox import SandboxServer
from explorer.sessions.format import read_session
from explorer.sessions.recorder import Recorder


class Recording:
    """Record requests to ``path`` the way the CLI does: one engine, one recorder."""

    def __init__(self, path: Path, server, auth) -> None:
        self.path = path
        self.client = Client(server.url, auth=auth)
        self.recorder = Recorder.open(
            path,
            base_url=server.url,
            secrets=self.client.secrets,
            routes_fingerprint=None,
            auth=auth,
        )
        self.engine = Engine(self.client, None, recorder=self.recorder)

    def call(self, method: str, path: str, *items: str):
        typed = " ".join(["call", method, path, *items])
        prepared = self.engine.prepare_call(method, path, list(items), command=typed)
        response = self.engine.send(prepared)
        body = response.content
        return response.status, (json.loads(body) if body else None)

    def close(self) -> None:
        self.recorder.close()
        self.client.close()


def record_labos(path: Path, server) -> Path:
    """The LabOS tour: discover, list with sort/fields/filters, create a command, kill it."""
    rec = Recording(path, server, bearer(server.token))
    try:
        rec.call("GET", "/discover")
        rec.call("GET", "/public/v1/instruments", "sort==name", "limit==3", "fields==name,family")
        status, body = rec.call(
            "GET", "/public/v1/instruments", "sort==-name", "limit==2",
            "actions.action==prime", "updatedAt>2020-01-01",
        )
        iid = body["data"][0]["id"]
        rec.call("GET", f"/public/v1/instruments/{iid}")
        status, body = rec.call("POST", f"/public/v1/instruments/{iid}/commands", "action=prime")
        assert status == 201, body
        cid = body["id"]
        rec.call("POST", f"/public/v1/instruments/{iid}/commands/{cid}/kill")
        rec.call("GET", f"/public/v1/instruments/{iid}/commands/{cid}")
    finally:
        rec.close()
    return path


def record_labstep(path: Path, server, upload: Path) -> Path:
    """The Labstep seed flow: login, protocol, experiment with protocol_id, file upload."""
    rec = Recording(path, server, None)
    try:
        status, user = rec.call(
            "POST", "/public-api/user/login", f"username={server.username}",
            f"password={server.password}",
        )
        assert status == 200, user
    finally:
        rec.close()
    rec = Recording(path, server, api_key(user["api_key"]))
    try:
        status, protocol = rec.call("POST", "/api/generic/protocol", "name=Programmatic Protocol")
        assert status == 200, protocol
        status, experiment = rec.call(
            "POST", "/api/generic/experiment", "name=Experiment 1", "description=from a test",
            f"protocol_id:={protocol['id']}",
        )
        assert status == 200, experiment
        status, uploaded = rec.call(
            "POST", "/api/generic/file/upload", f"file@{upload}",
            f"experiment_id={experiment['id']}",
        )
        assert status == 200, uploaded
        rec.call("GET", f"/api/generic/experiment/{experiment['id']}")
    finally:
        rec.close()
    return path


@pytest.fixture
def upload_file(tmp_path) -> Path:
    path = tmp_path / "plate-readings.csv"
    path.write_text("well,od600\nA1,0.41\nA2,0.39\n")
    return path


@pytest.fixture
def fresh(tmp_path_factory):
    """A second, fresh sandbox to replay on."""
    server = SandboxServer(storage_dir=tmp_path_factory.mktemp("fresh-files")).start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def labos_session(sandbox, tmp_path) -> Path:
    return record_labos(tmp_path / "sessions" / "labos-tour.jsonl", sandbox)


@pytest.fixture
def labstep_session(sandbox, tmp_path, upload_file) -> Path:
    return record_labstep(tmp_path / "sessions" / "labstep-seed.jsonl", sandbox, upload_file)


def replay(path: Path, server, *, auth=None, variables=None, volatile=(), only_safe=False):
    from explorer.sessions.checks import Checker
    from explorer.sessions.replay import Replayer

    client = Client(server.url, auth=auth)
    try:
        return Replayer(
            read_session(path, defer_answers=True),  # as ``explorer replay`` reads it
            send=client.send,
            base_url=server.url,
            variables=variables,
            profile=lambda name: auth.value(name) if auth else None,
            auth_configured=auth is not None,
            checker=Checker(volatile=list(volatile)),
            only_safe=only_safe,
            secrets=client.secrets,
        ).run()
    finally:
        client.close()


class Runner:
    """The real console script in a subprocess, with its own EXPLORER_HOME."""

    def __init__(self, home: Path, cwd: Path) -> None:
        self.home = home
        self.cwd = cwd

    def env(self, extra=None) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("EXPLORER_")}
        env.update({"EXPLORER_HOME": str(self.home), "NO_PROXY": "*", "TERM": "dumb"})
        env.update(extra or {})
        return env

    def __call__(self, *args: str, env=None, timeout: float = 60, input: str | None = None):
        return subprocess.run(
            [sys.executable, "-m", "explorer", *args],
            capture_output=True,
            text=True,
            env=self.env(env),
            cwd=self.cwd,
            timeout=timeout,
            input=input,
        )


@pytest.fixture
def run(tmp_path) -> Runner:
    home = tmp_path / "home"
    home.mkdir()
    return Runner(home, tmp_path)


@pytest.fixture
def replay_on():
    """``replay_on(path, server, auth=, variables=, volatile=, only_safe=)`` -> report."""
    return replay
