"""``explorer serve`` and ``explorer demo`` as processes: SIGTERM, SIGHUP and Ctrl-C stop
them in order (the temporary upload directory is removed), a bad ``--db`` is a one-line
error, and ``--help`` tells how to switch on more endpoint families."""

from __future__ import annotations

import os
import queue
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pexpect
import pytest
import requests

EXPLORER = [sys.executable, "-m", "explorer"]
INSTRUMENTS = "/public/v1/instruments"
EXIT_USAGE = 2


def environment(tmp_path: Path) -> dict[str, str]:
    """The child's environment: its own EXPLORER_HOME, and TMPDIR inside ``tmp_path`` so
    every temporary directory it makes can be checked (and never leaks into /tmp)."""
    temp = tmp_path / "tmp"
    temp.mkdir(exist_ok=True)
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith("EXPLORER_")}
    env.update(EXPLORER_HOME=str(home), TMPDIR=str(temp), NO_PROXY="*", TERM="dumb")
    return env


def sandbox_dirs(tmp_path: Path) -> list[Path]:
    return sorted((tmp_path / "tmp").glob("explorer-sandbox-*"))


def port_is_closed(url: str) -> bool:
    host, port = url.removeprefix("http://").rsplit(":", 1)
    try:
        socket.create_connection((host, int(port)), timeout=2).close()
    except OSError:
        return True
    return False


@pytest.fixture
def serving(tmp_path):
    """Start ``explorer serve --port 0``; yields (process, announced lines as a dict)."""
    processes = []

    def start(*args: str):
        process = subprocess.Popen(
            [*EXPLORER, "serve", "--port", "0", *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=environment(tmp_path),
        )
        processes.append(process)
        lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=lambda: [lines.put(x) for x in process.stdout], daemon=True).start()
        info = {}
        while "Uploads" not in info:
            try:
                line = lines.get(timeout=15)  # a guard against a hang, not a speed test
            except queue.Empty:
                pytest.fail(f"no Uploads line after {info}")
            key, _, value = line.rstrip("\n").partition(": ")
            info[key] = value
        return process, info

    yield start
    for process in processes:
        if process.poll() is None:
            process.kill()
            process.wait()


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP, signal.SIGINT])
def test_serve_removes_its_upload_dir_on_a_stop_signal(tmp_path, serving, signum):
    process, info = serving()
    uploads = Path(info["Uploads"])
    assert uploads.is_dir() and uploads.parent == tmp_path / "tmp"
    assert uploads.name.startswith("explorer-sandbox-")
    sent = requests.post(
        info["URL"] + "/api/generic/file/upload",
        files={"file": ("a.txt", b"hello")},
        headers={"apikey": info["API key"]},
        timeout=10,
    )
    assert sent.status_code == 200, sent.text
    assert len(list(uploads.iterdir())) == 1
    process.send_signal(signum)
    assert process.wait(timeout=15) == 0
    assert not uploads.exists()
    assert sandbox_dirs(tmp_path) == []
    assert "Traceback" not in process.stderr.read()
    assert port_is_closed(info["URL"])


def test_serve_with_a_db_keeps_its_files_and_stops_on_sigterm(tmp_path, serving):
    db = tmp_path / "data.db"
    process, info = serving("--db", str(db))
    assert Path(info["Uploads"]) == tmp_path / "data.db.files"
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=15) == 0
    assert (tmp_path / "data.db.files").is_dir() and sandbox_dirs(tmp_path) == []
    with sqlite3.connect(db) as conn:  # closed cleanly: the data is there
        assert conn.execute("SELECT count(*) FROM docs WHERE kind = 'instrument'").fetchone()[0]


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP])
def test_demo_removes_its_upload_dir_on_sigterm_and_sighup(tmp_path, signum):
    env = environment(tmp_path)
    env.update(TERM="xterm", PROMPT_TOOLKIT_NO_CPR="1", NO_COLOR="1")
    child = pexpect.spawn(
        sys.executable,
        ["-m", "explorer", "demo"],
        env=env,
        cwd=str(tmp_path),
        dimensions=(40, 120),
        encoding="utf-8",
        codec_errors="replace",
        timeout=20,
    )
    try:
        child.expect(r"sandbox: (http://\S+)  token: (\S+)")
        url, token = child.match.group(1), child.match.group(2)
        child.expect_exact(f"{url.removeprefix('http://')}/>")  # the shell's prompt
        (uploads,) = sandbox_dirs(tmp_path)
        headers = {"Authorization": f"Bearer {token}"}
        assert requests.get(url + INSTRUMENTS + "?limit=1", headers=headers).status_code == 200
        child.kill(signum)
        child.expect(pexpect.EOF, timeout=20)
        child.close()
        assert not uploads.exists()
        assert sandbox_dirs(tmp_path) == []
        assert port_is_closed(url)
        assert "Traceback" not in (child.before or "")
    finally:
        if child.isalive():
            child.terminate(force=True)


def bad_db(tmp_path: Path, kind: str) -> Path:
    if kind == "missing dir":
        return tmp_path / "no" / "such" / "dir" / "x.db"
    if kind == "a directory":
        return tmp_path
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"not a database " * 100)
    return junk


@pytest.mark.parametrize(
    ("kind", "reason"),
    [
        ("missing dir", "unable to open database file"),
        ("a directory", "unable to open database file"),
        ("not sqlite", "file is not a database"),
    ],
)
def test_a_bad_db_is_a_one_line_error(tmp_path, kind, reason):
    db = bad_db(tmp_path, kind)
    result = subprocess.run(
        [*EXPLORER, "serve", "--port", "0", "--db", str(db)],
        capture_output=True,
        text=True,
        env=environment(tmp_path),
        timeout=30,
    )
    assert result.returncode == EXIT_USAGE
    assert result.stderr == f"explorer: cannot use --db {db}: {reason}\n"
    assert result.stdout == ""
    assert sandbox_dirs(tmp_path) == []
    if kind == "not sqlite":
        assert junk_left_alone(db)


def junk_left_alone(db: Path) -> bool:
    return db.read_bytes() == b"not a database " * 100 and not Path(f"{db}.files").exists()


def test_serve_help_tells_how_to_switch_on_endpoint_families(tmp_path):
    result = subprocess.run(
        [*EXPLORER, "serve", "--help"],
        capture_output=True,
        text=True,
        env=environment(tmp_path),
        timeout=30,
    )
    assert result.returncode == 0
    text = result.stdout
    for family in ("labware", "samples"):
        assert re.search(rf"POST\s+/_sandbox/families/{family}", text), text
    assert re.search(r"DELETE\s+/_sandbox/families/NAME", text)
    assert "/discover" in text and "SIGTERM" in text and "docs/sandbox.md" in text


def test_a_stop_signal_gets_out_of_an_asyncio_callback():
    """The shell runs prompt_toolkit's asyncio loop; a signal that lands while a callback
    runs must still end it (asyncio logs and swallows anything but SystemExit and
    KeyboardInterrupt), or `explorer demo` would ignore SIGTERM now and then."""
    import asyncio

    from explorer.sandbox.server import Terminated, _terminate

    loop = asyncio.new_event_loop()
    try:
        later = loop.create_future()
        loop.call_later(0.2, later.set_result, None)
        loop.call_soon(_terminate, signal.SIGTERM, None)
        with pytest.raises(Terminated):
            loop.run_until_complete(later)
    finally:
        loop.close()
