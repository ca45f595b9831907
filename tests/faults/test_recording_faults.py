"""Recording is a side file: processes recording to one session at once never lose or
tear an exchange, and a full disk never costs the user the answer itself.

The full disk is a real one: a 1 MB tmpfs mounted for the test where the machine lets us
(root); elsewhere the kernel's per-process file size limit (RLIMIT_FSIZE), which makes
the same writes fail with EFBIG instead of ENOSPC.
"""

from __future__ import annotations

import json
import os
import re
import resource
import signal
import subprocess
from pathlib import Path

import pytest
from exportrun import locust_one_pass
from faultcli import EXPLORER
from faultserver import BIG_JSON

from explorer.sessions.export import export
from explorer.sessions.format import files_dir, read_session

GUARD = 60.0
SMALL_DISK = 1024 * 1024


class SmallDisk:
    """A directory where writes fail past about a megabyte, and how to run a process so
    that they do (``preexec``: the file size limit when there is no tmpfs)."""

    def __init__(self, path: Path, tmpfs: bool) -> None:
        self.path = path
        self.tmpfs = tmpfs
        self.limit = SMALL_DISK

    def preexec(self):
        if self.tmpfs:
            return None
        limit = self.limit

        def limited() -> None:
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # EFBIG instead of a kill
            resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

        return limited

    def fill(self, leave: int) -> None:
        """Leave only ``leave`` bytes free (tmpfs), or let no file grow past ``leave``
        more bytes than the session holds now (the file size limit)."""
        if self.tmpfs:
            filler = self.path / "filler"
            with open(filler, "wb", buffering=0) as f:
                try:
                    while True:
                        f.write(b"\0" * 4096)
                except OSError:
                    pass
            stat = os.statvfs(self.path)
            free = stat.f_bavail * stat.f_frsize
            os.truncate(filler, filler.stat().st_size - max(leave - free, 0))
        else:
            self.limit = max(p.stat().st_size for p in self.path.glob("*.jsonl")) + leave


@pytest.fixture
def small_disk(tmp_path):
    mount = tmp_path / "disk"
    mount.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={SMALL_DISK}", "tmpfs",
                              str(mount)], capture_output=True).returncode == 0
    try:
        yield SmallDisk(mount, mounted)
    finally:
        if mounted:
            subprocess.run(["umount", "-l", str(mount)], capture_output=True)


def _record(run, faults, disk: SmallDisk, session: Path, *args: str):
    return subprocess.run(
        [*EXPLORER, "--url", faults.url, "--record", str(session), *args],
        capture_output=True, env=run.env(), cwd=run.cwd, timeout=GUARD,
        preexec_fn=disk.preexec(),
    )


def test_a_full_disk_never_costs_the_piped_answer(run, faults, small_disk):
    """The answer (3 MB) does not fit beside the session: stdout still gets every byte,
    stderr one warning, the exit code stays 0, and the session is left readable, without
    the exchange and without a partial body file.  When later even a line does not fit,
    the same holds and the line is not torn."""
    session = small_disk.path / "full.jsonl"
    assert _record(run, faults, small_disk, session, "ok", "list").returncode == 0
    result = _record(run, faults, small_disk, session, "call", "GET", "/big-json")
    assert result.returncode == 0, result.stderr
    assert result.stdout == BIG_JSON
    warnings = result.stderr.decode().splitlines()
    assert [w for w in warnings if "cannot write the session" in w] == [
        f"explorer: warning: cannot write the session {session} ("
        + ("No space left on device" if small_disk.tmpfs else "File too large")
        + "); the answer itself is not affected"
    ], warnings
    assert [e.path for e in read_session(session)] == ["/ok"]
    assert not any(p.is_file() for p in files_dir(session).rglob("*"))

    before = session.read_bytes()
    small_disk.fill(leave=64)  # room for no line: this one, 8 KB, is written in part
    result = _record(run, faults, small_disk, session, "call", "GET", "/ok",
                     "X-Pad:" + "p" * 8192)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {"data": [{"id": "a1", "name": "fine"}]}
    assert "cannot write the session" in result.stderr.decode()
    assert session.read_bytes() == before  # cut back: no torn line


def test_processes_recording_to_one_session_at_once_keep_every_exchange(run, faults, tmp_path):
    """Eight processes at once, half of them writing 3 MB bodies beside the session: every
    exchange is there whole, the step numbers are unique (and rise down the file), no
    body file overwrote another, and the locust export of the session runs every step."""
    session = run.cwd / "shared.jsonl"
    processes = [
        run.popen("--url", faults.url, "--record", str(session), "call", "GET",
                  "/big-json" if n % 2 else "/ok", stdout=subprocess.DEVNULL)
        for n in range(8)
    ]
    for process in processes:
        _, err = process.communicate(timeout=GUARD)
        assert process.returncode == 0, err
    recorded = read_session(session)
    assert recorded.warnings == []
    steps = [e.step for e in recorded]
    assert steps == list(range(1, 9))
    assert sorted(e.path for e in recorded) == ["/big-json"] * 4 + ["/ok"] * 4
    bodies = [e.response["body"]["file"] for e in recorded if e.path == "/big-json"]
    assert len(set(bodies)) == 4
    for name in bodies:
        assert (session.parent / name).read_bytes() == BIG_JSON
    assert sorted(p.name for p in files_dir(session).iterdir()) == \
        sorted(Path(name).name for name in bodies)  # nothing else was left there

    locustfile = tmp_path / "shared_locust.py"
    locustfile.write_text(export(recorded, "locust"))
    entries = locust_one_pass(locustfile, faults.url, run.env())  # one pass, to its exit
    stats = {int(re.match(r"step (\d+): ", name)[1]): e for name, e in entries.items()}
    assert sorted(stats) == steps, stats
    assert all(entry["num_requests"] == 1 for entry in stats.values()), stats
    assert all(entry["num_failures"] == 0 for entry in stats.values()), stats

