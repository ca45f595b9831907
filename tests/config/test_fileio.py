"""atomic_write: whole files, private (0600 in 0700 directories) whatever the umask."""

from __future__ import annotations

import os
import stat

import pytest

from explorer.fileio import atomic_write, make_private, private_dirs


@pytest.fixture
def umask():
    saved = os.umask(0o022)
    os.umask(saved)

    def set_mask(mask: int) -> None:
        os.umask(mask)

    yield set_mask
    os.umask(saved)


def _mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.parametrize("mask", [0o077, 0o022, 0o002, 0o000])
def test_files_are_0600_in_new_0700_directories_whatever_the_umask(tmp_path, umask, mask):
    umask(mask)
    target = tmp_path / "new" / "deeper" / "f"
    atomic_write(target, b"data")
    assert _mode(target) == 0o600
    assert _mode(tmp_path / "new") == _mode(tmp_path / "new" / "deeper") == 0o700
    assert target.read_bytes() == b"data"


def test_an_explicit_mode_is_exact(tmp_path, umask):
    umask(0o000)
    atomic_write(tmp_path / "script", [b"a", b"b"], mode=0o640)
    assert _mode(tmp_path / "script") == 0o640
    assert (tmp_path / "script").read_bytes() == b"ab"


def test_directories_under_the_root_are_tightened_and_those_above_are_not(tmp_path):
    above = tmp_path / "home"
    root = above / "cache"
    (root / "learned").mkdir(parents=True)
    for directory in (above, root, root / "learned"):
        directory.chmod(0o755)
    (root / "learned" / "old.json").write_text("{}")
    (root / "learned" / "old.json").chmod(0o644)  # an older version's file
    atomic_write(root / "learned" / "x.json", b"{}", root=root)
    assert _mode(root) == _mode(root / "learned") == 0o700
    assert _mode(root / "learned" / "old.json") == 0o600
    assert _mode(above) == 0o755  # not explorer's: left alone
    elsewhere = tmp_path / "work"
    elsewhere.mkdir(mode=0o755)
    elsewhere.chmod(0o755)
    private_dirs(elsewhere, root=root)  # not under the root: left alone
    assert _mode(elsewhere) == 0o755


def test_make_private_tightens_an_old_file(tmp_path):
    old = tmp_path / "learned.json"
    old.write_text("{}")
    old.chmod(0o644)
    make_private(old)
    assert _mode(old) == 0o600
    make_private(tmp_path / "missing")  # nothing to do, no error


def test_the_discovery_cache_is_private_under_umask_022(tmp_path, umask):
    from explorer.discovery import DiscoveryCache
    from explorer.registry import Registry, Route
    from explorer.spec import Operation

    umask(0o022)
    cache = DiscoveryCache(tmp_path, "http://127.0.0.1:9", "discover:/discover")
    cache.write(None, Registry([Route("GET", "/a", operation=Operation({"summary": "a"}))]))
    files = list((tmp_path / "discovery").iterdir())
    assert len(files) == 3 and all(_mode(f) == 0o600 for f in files)  # .json .index .spec
    assert _mode(tmp_path / "discovery") == 0o700
