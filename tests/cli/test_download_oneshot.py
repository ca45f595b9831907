"""``--download``, ``-o FILE``, ``--continue`` and ``--force`` end to end: the console
script against a loopback file server (tests/ecoserver.py), in a temporary directory."""

from __future__ import annotations

import subprocess
import sys
from urllib.parse import quote

import pexpect
import pytest
from ecoserver import EcoServer, body_bytes

SIZE = 300_000
EXPLORER = [sys.executable, "-m", "explorer"]


@pytest.fixture
def files():
    with EcoServer() as server:
        yield server


@pytest.fixture
def fetch(run, tmp_path, files):
    """``fetch(path, *flags)``: explorer call GET PATH in tmp_path/work (no /discover)."""
    work = tmp_path / "work"
    work.mkdir()

    def go(path: str, *flags: str, expect: int | None = 0):
        result = subprocess.run(
            [*EXPLORER, "--url", files.url, "--routes", str(_routes(tmp_path)), "call", "GET",
             path, *flags],
            cwd=work, capture_output=True, env=run.env(), timeout=60)
        if expect is not None:
            assert result.returncode == expect, result.stderr.decode()
        return result

    go.work = work
    return go


def _routes(tmp_path):
    path = tmp_path / "routes.json"
    if not path.exists():
        path.write_text('{"data": [{"method": "GET", "path": "/files/:name"}]}')
    return path


def test_download_names_the_file_after_the_server_safely_and_never_overwrites(fetch, tmp_path):
    cd = quote('attachment; filename="../../evil.sh"')
    done = fetch(f"/files/x?size={SIZE}&cd={cd}", "--download")
    saved = fetch.work / "evil.sh"
    assert saved.read_bytes() == body_bytes(SIZE)
    assert not (tmp_path / "evil.sh").exists() and not (tmp_path.parent / "evil.sh").exists()
    assert b"saved 300,000 bytes to evil.sh" in done.stderr
    assert done.stdout == b""
    fetch(f"/files/x?size=10&cd={cd}", "-d")
    assert (fetch.work / "evil-1.sh").read_bytes() == body_bytes(10)
    assert saved.read_bytes() == body_bytes(SIZE)  # the first one untouched
    fetch("/files/plate.csv?size=5&type=text/csv", "--download")
    assert (fetch.work / "plate.csv").read_bytes() == body_bytes(5)
    assert not list(fetch.work.glob("*.part"))


def test_output_refuses_an_existing_file_before_sending_unless_forced(fetch, files):
    target = fetch.work / "out.bin"
    target.write_bytes(b"mine")
    before = len(files.seen)
    refused = fetch("/files/x?size=10", "-o", "out.bin", expect=2)
    assert b"the file exists" in refused.stderr and b"--force" in refused.stderr
    assert target.read_bytes() == b"mine" and len(files.seen) == before
    fetch("/files/x?size=10", "-o", "out.bin", "--force")
    assert target.read_bytes() == body_bytes(10)
    assert files.seen[-1]["headers"].get("Accept-Encoding") == "identity"


def test_a_cut_download_leaves_nothing_under_its_name_and_continue_resumes(fetch, files):
    cut = fetch(f"/files/x?size={SIZE}&drop=100000", "-o", "big.bin", expect=3)
    target, part = fetch.work / "big.bin", fetch.work / "big.bin.part"
    assert not target.exists()
    kept = part.stat().st_size
    assert 0 < kept < SIZE
    assert b"--continue -o big.bin" in cut.stderr
    resumed = fetch(f"/files/x?size={SIZE}", "-o", "big.bin", "--continue")
    assert files.seen[-1]["headers"]["Range"] == f"bytes={kept}-"
    assert target.read_bytes() == body_bytes(SIZE) and not part.exists()
    assert b"saved 300,000 bytes to big.bin" in resumed.stderr
    # resuming a whole file: the server says 416, and it is complete
    again = fetch(f"/files/x?size={SIZE}", "-o", "big.bin", "--continue")
    assert b"already complete" in again.stderr
    assert target.read_bytes() == body_bytes(SIZE)


def test_a_cut_download_from_a_server_without_ranges_is_removed(fetch):
    fetch(f"/files/x?size={SIZE}&drop=1000&ranges=0", "-o", "big.bin", expect=3)
    assert not list(fetch.work.iterdir())


def test_a_server_that_ignores_range_restarts_the_download(fetch):
    (fetch.work / "big.bin.part").write_bytes(b"\0" * 5000)  # not the real bytes
    said = fetch(f"/files/x?size={SIZE}&ranges=0", "-o", "big.bin", "--continue")
    assert b"from the start" in said.stderr
    assert (fetch.work / "big.bin").read_bytes() == body_bytes(SIZE)


def test_an_error_answer_is_shown_not_saved(fetch):
    missing = fetch("/nothing", "-o", "x.json", expect=4)
    assert not list(fetch.work.iterdir())
    assert b"not found" in missing.stdout


def test_flags_that_do_not_go_together_are_usage_errors(fetch):
    for flags, message in (
        (["--continue"], b"give -o FILE"),
        (["-o", "x", "--format", "csv"], b"cannot go with --download"),
        (["--show-secrets"], b"goes with --offline"),
        (["--format", "xml"], b"choose one of json, table, csv, tsv, yaml"),
        (["--filter"], b"--filter needs EXPR"),
    ):
        result = fetch("/files/x", *flags, expect=2)
        assert message in result.stderr, result.stderr


def test_the_progress_bar_on_a_terminal_shows_size_rate_and_percentage(run, files, tmp_path):
    work = tmp_path / "tty"
    work.mkdir()
    child = pexpect.spawn(sys.executable, ["-m", "explorer", "--url", files.url, "--routes",
                                           str(_routes(tmp_path)), "call", "GET",
                                           f"/files/x?size={SIZE}", "-o", "p.bin"],
                          cwd=str(work), env=run.env({"TERM": "xterm"}), encoding="utf-8",
                          dimensions=(24, 100), timeout=60)
    child.expect(pexpect.EOF)
    shown = child.before
    child.close()
    assert child.exitstatus == 0, shown
    assert "p.bin" in shown and "100%" in shown and "293k/293k" in shown
    assert "B/s" in shown
    assert (work / "p.bin").read_bytes() == body_bytes(SIZE)
