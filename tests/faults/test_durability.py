"""Durability: cache, config and credentials writes are atomic; session files are
append-only and a torn last line (a crash mid-write) is tolerated; processes refreshing
the same server's cache at once never corrupt it."""

from __future__ import annotations

import json
import os
import signal
import stat
import subprocess
import threading
import time

import pytest
from faultserver import MEDIUM, STALL_SENT

from explorer import config as cfg
from explorer.discovery import DiscoveryCache
from explorer.discovery.sources import DiscoverSource
from explorer.fileio import atomic_write
from explorer.sessions.format import read_session

GUARD = 15.0


def test_concurrent_refreshes_of_one_server_leave_a_cache_that_loads(run, make_faults):
    server = make_faults(discover="medium")
    processes = [
        run.popen("--url", server.url, "routes", "--json", "--refresh") for _ in range(4)
    ]
    outputs = [p.communicate(timeout=60) for p in processes]
    for process, (out, err) in zip(processes, outputs, strict=True):
        assert process.returncode == 0, err.decode()
        assert len(json.loads(out)) == 2 + 2 * MEDIUM  # /ok, /html-500, list+get each
    root = run.home / "cache" / "discovery"
    names = sorted(p.name for p in root.iterdir())
    # one entry (its .json and the registry's .index beside it), no temporary file left
    stems = {n.rsplit(".", 1)[0] for n in names}
    suffixes = sorted(n.rsplit(".", 1)[1] for n in names)
    assert len(stems) == 1 and suffixes == ["index", "json"], names
    cache = DiscoveryCache(run.home / "cache", server.url, DiscoverSource().key)
    entry = cache.read()
    assert entry is not None
    assert len(entry.registry) == 2 + 2 * MEDIUM
    assert entry.registry.routes[0].path == "/ok"
    # And a command started afterwards uses it as it is.
    before = sum(1 for seen in server.requests if seen.target == "/discover")
    assert run("--url", server.url, "ok", "list").returncode == 0
    assert sum(1 for seen in server.requests if seen.target == "/discover") == before


def test_a_failed_atomic_write_leaves_the_old_file_and_no_temporary(tmp_path, monkeypatch):
    target = tmp_path / "cache.json"
    target.write_bytes(b'{"old": true}')

    def broken_fsync(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", broken_fsync)
    with pytest.raises(OSError):
        atomic_write(target, b'{"new": true}')
    assert target.read_bytes() == b'{"old": true}'
    assert [p.name for p in tmp_path.iterdir()] == ["cache.json"]


def test_atomic_write_is_whole_under_concurrent_writers(tmp_path):
    target = tmp_path / "shared.json"
    payloads = [json.dumps({"writer": n, "pad": "x" * 200_000}).encode() for n in range(8)]
    seen: list[bytes] = []
    stop = threading.Event()

    def reader():
        while not stop.is_set():
            try:
                seen.append(target.read_bytes())
            except FileNotFoundError:
                pass

    def writer(data: bytes):
        for _ in range(10):
            atomic_write(target, data)

    watcher = threading.Thread(target=reader)
    watcher.start()
    writers = [threading.Thread(target=writer, args=(p,)) for p in payloads]
    for t in writers:
        t.start()
    for t in writers:
        t.join()
    stop.set()
    watcher.join()
    assert target.read_bytes() in payloads
    assert seen and all(data in payloads for data in seen)  # never a torn file
    assert [p.name for p in tmp_path.iterdir()] == ["shared.json"]


def test_credentials_saved_at_once_keep_every_profile_and_stay_private(tmp_path):
    path = tmp_path / "config" / "credentials.json"
    threads = [
        threading.Thread(target=cfg.save_credential, args=(f"p{n}", {"api_key": f"k{n}"}),
                         kwargs={"path": path})
        for n in range(12)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    saved = cfg.load_credentials(path)
    assert saved == {f"p{n}": {"api_key": f"k{n}"} for n in range(12)}
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [p.name for p in path.parent.iterdir() if p.name.endswith(".tmp")] == []


def test_a_bad_config_is_never_rewritten(run, faults):
    config = run.home / "config" / "config.toml"
    config.parent.mkdir(parents=True)
    text = b'default_profile = "lab"\n[profiles.lab]\nurl = 5\n'
    config.write_bytes(text)
    result = run("ok", "list")
    assert result.returncode == 2
    assert result.err == f"explorer: {config}: profiles.lab.url must be a string\n"
    assert config.read_bytes() == text


def test_a_torn_last_line_is_cut_and_recording_goes_on(run, faults):
    session = run.cwd / "torn.jsonl"
    assert run("--url", faults.url, "--record", str(session), "ok", "list").returncode == 0
    whole = session.read_bytes()
    session.write_bytes(whole + b'{"step":2,"time":"2024-05-01T09:00:0')  # a crash mid-write
    replayed = run("--url", faults.url, "replay", str(session))
    assert replayed.returncode == 0, replayed.stdout.decode() + replayed.err
    assert "skipped a truncated last line" in replayed.err
    assert run("--url", faults.url, "--record", str(session), "ok", "list").returncode == 0
    recorded = read_session(session)
    assert recorded.warnings == []
    assert [e.step for e in recorded] == [1, 2]
    assert session.read_bytes().startswith(whole)


def test_a_recording_killed_mid_body_is_still_a_readable_session(run, faults, tmp_path):
    session = run.cwd / "killed.jsonl"
    assert run("--url", faults.url, "--record", str(session), "ok", "list").returncode == 0
    out = tmp_path / "stall.out"
    with open(out, "wb") as sink:
        process = run.popen("--url", faults.url, "--timeout", "60", "--record", str(session),
                            "call", "GET", "/stall", stdout=sink)
        deadline = time.monotonic() + GUARD
        while out.stat().st_size < STALL_SENT:
            assert process.poll() is None
            assert time.monotonic() < deadline
            time.sleep(0.02)
        process.send_signal(signal.SIGKILL)  # no chance to clean up
        process.communicate(timeout=GUARD)
    recorded = read_session(session)
    assert [e.path for e in recorded] == ["/ok"]  # the exchange in flight is simply absent
    assert run("--url", faults.url, "--record", str(session), "ok", "list").returncode == 0
    assert [e.step for e in read_session(session)] == [1, 2]


def test_shells_on_one_server_at_once_leave_caches_that_load(run, sandbox):
    """Four shells (script mode) learning from the same server at the same time."""
    from explorer.repl.learned import LearnedStore

    lines = "".join(
        f"get /public/v1/instruments limit==5 skip=={n} fields=name\n" for n in range(0, 40, 5)
    )
    processes = [
        run.popen("--url", sandbox.url, f"--token={sandbox.token}", "--no-pager",
                  stdin=subprocess.PIPE)
        for _ in range(4)
    ]
    for process in processes:
        process.stdin.write(lines.encode())
        process.stdin.close()
    for process in processes:
        process.wait(timeout=60)
        assert b"Traceback" not in process.stderr.read()
        process.stdout.close()
        process.stderr.close()
    cache = run.home / "cache"
    assert not [p for p in cache.rglob("*.tmp")]
    store = LearnedStore.for_server(cache, sandbox.url)
    store.load()
    assert len(store.ids("/public/v1/instruments")) >= 5  # what they learned is there
    entry = DiscoveryCache(cache, sandbox.url, DiscoverSource().key).read()
    assert entry is not None and len(entry.registry)
