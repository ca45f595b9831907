"""SandboxServer's lifecycle and options (token, user, db, reset, storage) and serve()."""

from __future__ import annotations

import io
import re
import signal
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest
import requests

from explorer.sandbox import SandboxServer, serve

INSTRUMENTS = "/public/v1/instruments"


def bearer(server) -> dict[str, str]:
    return {"Authorization": f"Bearer {server.token}"}


def count(server) -> int:
    return len(requests.get(server.url + INSTRUMENTS, headers=bearer(server)).json()["data"])


def test_start_returns_self_and_the_context_manager_stops_it():
    server = SandboxServer()
    with server.start() as running:
        assert running is server
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+", server.url)
        assert server.port > 0
        assert count(server) == 52
    with pytest.raises(requests.ConnectionError):
        requests.get(server.url + INSTRUMENTS, timeout=5)
    server.stop()  # idempotent
    with pytest.raises(RuntimeError):
        server.start()


def test_credentials_given_or_generated():
    with SandboxServer(token="tok", username="ada@lab.org", password="pw").start() as given:
        assert (given.token, given.username, given.password) == ("tok", "ada@lab.org", "pw")
        login = requests.post(
            given.url + "/public-api/user/login", json={"username": "ada@lab.org", "password": "pw"}
        )
        assert login.json()["api_key"] == given.api_key
    with SandboxServer().start() as one, SandboxServer().start() as two:
        assert one.token and one.password and one.api_key
        assert one.token != two.token and one.password != two.password
        assert one.port != two.port
        assert requests.get(one.url + INSTRUMENTS, headers=bearer(two)).status_code == 403


def test_a_busy_port_is_an_oserror():
    with SandboxServer().start() as first, pytest.raises(OSError):
        SandboxServer(port=first.port).start()


def test_db_keeps_data_and_reset_reseeds(tmp_path):
    db = tmp_path / "sandbox.db"
    with SandboxServer(db=db).start() as server:
        created = requests.post(
            server.url + INSTRUMENTS, json={"name": "kept"}, headers=bearer(server)
        )
        assert created.status_code == 201
        key = server.api_key
        upload = requests.post(
            server.url + "/api/generic/file/upload",
            files={"file": ("a.txt", b"hello")},
            headers={"apikey": key},
        )
        assert upload.status_code == 200
        assert server.storage_dir == tmp_path / "sandbox.db.files"
        assert len(list(server.storage_dir.iterdir())) == 1
    with SandboxServer(db=db).start() as again:
        assert count(again) == 53  # seeded once, the new one kept
        assert again.api_key == key  # a saved key keeps working
        kept = requests.get(
            f"{again.url}{INSTRUMENTS}/{created.json()['id']}", headers=bearer(again)
        )
        assert kept.json()["name"] == "kept"
        file_id = next(iter(upload.json()))
        assert requests.get(f"{again.url}/api/generic/file/{file_id}", headers={"apikey": key}).ok
    with SandboxServer(db=db, reset=True).start() as fresh:
        assert count(fresh) == 52
        assert list(fresh.storage_dir.iterdir()) == []


def test_default_storage_is_a_temporary_dir_removed_on_stop():
    with SandboxServer().start() as server:
        storage = Path(server.storage_dir)
        assert storage.is_dir()
        requests.post(
            server.url + "/api/generic/file/upload",
            files={"file": ("a.txt", b"hello")},
            headers={"apikey": server.api_key},
        )
        assert len(list(storage.iterdir())) == 1
    assert not storage.exists()


def test_given_storage_dir_is_kept(tmp_path):
    with SandboxServer(storage_dir=tmp_path / "files").start() as server:
        requests.post(
            server.url + "/api/generic/file/upload",
            files={"file": ("a.txt", b"hello")},
            headers={"apikey": server.api_key},
        )
    assert len(list((tmp_path / "files").iterdir())) == 1


def test_serve_prints_the_credentials_and_returns_when_stopped():
    out = io.StringIO()
    started: list[SandboxServer] = []
    ready = threading.Event()

    def on_ready(server):
        started.append(server)
        ready.set()

    thread = threading.Thread(target=serve, kwargs={"out": out, "ready": on_ready, "token": "T"})
    thread.start()
    assert ready.wait(10)
    server = started[0]
    lines = out.getvalue().splitlines()
    assert lines[:4] == [
        f"URL: {server.url}",
        "Token: T",
        f"Username: {server.username}",
        f"Password: {server.password}",
    ]
    assert count(server) == 52
    server.stop()
    thread.join(10)
    assert not thread.is_alive()


def test_serve_stops_on_ctrl_c():
    code = "from explorer.sandbox import serve; serve()"
    process = subprocess.Popen(
        [sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        url = process.stdout.readline().strip().removeprefix("URL: ")
        token = process.stdout.readline().strip().removeprefix("Token: ")
        response = requests.get(
            url + INSTRUMENTS + "?limit=1", headers={"Authorization": f"Bearer {token}"}
        )
        assert response.status_code == 200
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=15) == 0
        assert "Traceback" not in process.stderr.read()
        host, port = url.removeprefix("http://").rsplit(":", 1)
        with pytest.raises(OSError):
            socket.create_connection((host, int(port)), timeout=2).close()
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
