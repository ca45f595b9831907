"""atomic_write: whole files, and the permissions a plain open() would give."""

from __future__ import annotations

import os
import stat

import pytest

from explorer.fileio import atomic_write, current_umask


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


@pytest.mark.parametrize(("mask", "expected"), [(0o077, 0o600), (0o022, 0o644), (0o002, 0o664)])
def test_the_default_mode_follows_the_umask(tmp_path, umask, mask, expected):
    umask(mask)
    assert current_umask() == mask
    atomic_write(tmp_path / "f", b"data")
    assert _mode(tmp_path / "f") == expected
    assert (tmp_path / "f").read_bytes() == b"data"


def test_an_explicit_mode_is_exact(tmp_path, umask):
    umask(0o000)
    atomic_write(tmp_path / "secret", [b"a", b"b"], mode=0o600)
    assert _mode(tmp_path / "secret") == 0o600
    assert (tmp_path / "secret").read_bytes() == b"ab"


def test_the_discovery_cache_is_private_under_umask_077(tmp_path, umask):
    from explorer.discovery import DiscoveryCache
    from explorer.registry import Registry, Route

    umask(0o077)
    cache = DiscoveryCache(tmp_path, "http://127.0.0.1:9", "discover:/discover")
    cache.write(b"[]", None, Registry([Route("GET", "/a")]))
    files = list((tmp_path / "discovery").iterdir())
    assert len(files) == 2 and all(_mode(f) == 0o600 for f in files)
