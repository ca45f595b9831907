"""Durable file writes: every cache, config and credentials write goes through here.

``atomic_write`` writes a temporary file in the same directory, fsyncs it and renames
it over the target, so a reader sees the old file or the new one, never a torn one,
and two processes writing at once leave one complete file.

The new file gets the permissions a plain ``open(path, "w")`` would give it
(``0o666`` less the umask), so a user with ``umask 077`` keeps caches private;
``mode`` sets them exactly instead (credentials: ``0o600``).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from pathlib import Path


def atomic_write(
    path: Path, data: bytes | Iterable[bytes], *, mode: int | None = None
) -> None:
    """Replace ``path`` with ``data``: bytes, or chunks written one by one (so a large
    file need not be joined in memory first).  ``mode`` None: ``0o666`` less the umask."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.fchmod(fd, 0o666 & ~current_umask() if mode is None else mode)
        with os.fdopen(fd, "wb") as f:
            if isinstance(data, bytes | bytearray | memoryview):
                f.write(data)
            else:
                for chunk in data:
                    f.write(chunk)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def current_umask() -> int:
    """The process's umask, read without changing it where the system allows
    (``/proc/self/status``); elsewhere set and restored at once."""
    try:
        with open("/proc/self/status", encoding="ascii", errors="replace") as f:
            for line in f:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask
