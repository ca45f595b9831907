"""Durable, private file writes: every cache, config and credentials write goes through here.

``atomic_write`` writes a temporary file in the same directory, fsyncs it and renames
it over the target, so a reader sees the old file or the new one, never a torn one,
and two processes writing at once leave one complete file.

Everything explorer keeps may say something about its user (the learned store holds
e-mails and names, the caches what servers answered, the history what was typed), so
a new file is ``0600`` unless ``mode`` says otherwise, and a missing directory is made
``0700`` (as the XDG base directory spec asks).  :func:`private_dirs` also tightens
the directories explorer owns (``root`` and below, e.g. ``~/.cache/explorer``) that an
older version left readable by others; a directory above ``root`` is never changed.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

#: what explorer's files and directories are made
PRIVATE_FILE = 0o600
PRIVATE_DIR = 0o700


def atomic_write(
    path: Path,
    data: bytes | Iterable[bytes],
    *,
    mode: int = PRIVATE_FILE,
    root: Path | None = None,
) -> None:
    """Replace ``path`` with ``data``: bytes, or chunks written one by one (so a large
    file need not be joined in memory first).  The file is ``mode`` (``0600``); missing
    directories are made ``0700``, and with ``root`` (explorer's own directory the file
    is under) the directories from ``root`` down are tightened too (:func:`private_dirs`)."""
    import tempfile  # here: commands that only read files never load it (nor shutil)

    private_dirs(path.parent, root=root)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.fchmod(fd, mode)
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


@contextmanager
def locked(lock_path: Path, *, root: Path | None = None,
           directory: bool = False) -> Iterator[None]:
    """An exclusive lock between processes (``flock`` on ``lock_path``, a 0600 file made
    in private directories under ``root``, or with ``directory`` on that directory
    itself, which adds no file; none where there is no fcntl)."""
    try:
        import fcntl
    except ImportError:  # Windows: atomic writes only
        yield
        return
    if directory:
        private_dirs(lock_path, root=root)
        fd = os.open(lock_path, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    else:
        private_dirs(lock_path.parent, root=root)
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def private_dirs(directory: Path, *, root: Path | None = None) -> None:
    """Make ``directory`` and its missing parents (``0700``).  When ``directory`` is
    ``root`` or under it, every directory from ``root`` down that group or others may
    enter or read is made ``0700`` as well, and the files directly in it ``0600`` (an
    older version's; one ``stat`` each when the directories are private already)."""
    missing: list[Path] = []
    probe = directory
    while not probe.exists():
        missing.append(probe)
        if probe.parent == probe:
            break
        probe = probe.parent
    for new in reversed(missing):
        try:
            new.mkdir(mode=PRIVATE_DIR)
        except FileExistsError:
            pass  # made meanwhile (another process)
    if root is None:
        return
    try:
        inside = directory.relative_to(root)
    except ValueError:
        return
    current = root
    for part in ("", *inside.parts):
        current = current / part if part else current
        try:
            st = os.stat(current)
            if st.st_mode & 0o077 and st.st_uid == os.getuid():
                os.chmod(current, PRIVATE_DIR)
                _tighten_files(current)  # once: an older version's files in it
        except OSError:
            continue


def _tighten_files(directory: Path) -> None:
    try:
        with os.scandir(directory) as entries:
            for entry in entries:
                if entry.is_file(follow_symlinks=False):
                    make_private(Path(entry.path))
    except OSError:
        pass


def make_private(path: Path) -> None:
    """``chmod 600 path`` when group or others can read it (a file an older version
    wrote); nothing when it is missing or private already."""
    try:
        st = os.stat(path)
        if st.st_mode & 0o077 and st.st_uid == os.getuid():
            os.chmod(path, PRIVATE_FILE)
    except OSError:
        pass


# -- bounded reads ------------------------------------------------------------------------

#: the largest file of each kind explorer reads whole (bytes)
TOKEN_FILE_LIMIT = 64 * 1024
CONFIG_LIMIT = 1024 * 1024
CREDENTIALS_LIMIT = 1024 * 1024
ITEM_FILE_LIMIT = 64 * 1024 * 1024
#: /discover listings, routes files, specs, HAR files, session files, caches (default):
#: room for the largest real description we know, GitHub's dereferenced OpenAPI
#: document (73 MB, npm @octokit/openapi), and still tens of MB
DOCUMENT_LIMIT = 90 * 1024 * 1024
#: the most of one answer rendered on a terminal (``settings.render_limit``)
RENDER_LIMIT = 4 * 1024 * 1024


class UnsafeFileError(OSError):
    """A file explorer will not read whole: not a regular file, or larger than its
    limit.  An ``OSError`` whose ``strerror`` says why in a few words, so every
    ``except OSError as exc: ... exc.strerror`` names it as it names a missing file."""

    def __init__(self, reason: str, path: Path | str) -> None:
        super().__init__(0, reason, str(path))


def size_text(count: int) -> str:
    """``64 KB``, ``1 MB``, ``1.5 GB``: a byte count as a person reads it (1024s)."""
    for unit, size in (("GB", 1 << 30), ("MB", 1 << 20), ("KB", 1 << 10)):
        if count >= size:
            value = count / size
            return f"{value:.0f} {unit}" if value == int(value) else f"{value:.1f} {unit}"
    return f"{count} bytes"


def open_regular(path: Path | str) -> int:
    """A descriptor of the regular file ``path``, for reading; a device, FIFO, socket
    or directory raises (:class:`UnsafeFileError`, IsADirectoryError) before a byte is
    read.  The open never blocks (``O_NONBLOCK``, which a FIFO would otherwise need;
    it changes nothing for a regular file)."""
    flags = os.O_RDONLY | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NONBLOCK", 0)
    fd = os.open(path, flags)
    try:
        st = os.fstat(fd)
        if stat.S_ISDIR(st.st_mode):
            raise IsADirectoryError(21, "is a directory", str(path))
        if not stat.S_ISREG(st.st_mode):
            raise UnsafeFileError("not a regular file", path)
    except BaseException:
        os.close(fd)
        raise
    return fd


def read_bounded(path: Path | str, limit: int) -> bytes:
    """The bytes of the regular file ``path``, at most ``limit`` of them.

    The one reader of every file explorer reads whole (token files, config,
    credentials, ``@file`` items, routes files, specs, HAR and session files): a
    device, FIFO, socket or directory (``/dev/zero``, ``<(...)``) raises
    :class:`UnsafeFileError` before a byte is read, and so does a file larger than
    ``limit`` (checked on the open file, and again while reading, for a file that
    grows).  The open never blocks (``O_NONBLOCK``, which a FIFO would otherwise need).
    """
    fd = open_regular(path)
    try:
        st = os.fstat(fd)
        if st.st_size > limit:
            raise UnsafeFileError(f"larger than {size_text(limit)}", path)
        chunks: list[bytes] = []
        total = 0
        while True:
            chunk = os.read(fd, min(1 << 20, limit + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
            if total > limit:
                raise UnsafeFileError(f"larger than {size_text(limit)}", path)
        return b"".join(chunks)
    finally:
        os.close(fd)
