"""Saving an answer's body to a file: ``--download``, ``-o FILE``, ``--continue``.

The spellings are HTTPie's and curl's: ``-d``/``--download`` names the file after the
answer, ``-o``/``--output FILE`` after the user, ``-c``/``--continue`` resumes
``-o FILE``.  The rules:

* **The name** (``--download``): the ``filename*`` or ``filename`` of the answer's
  ``Content-Disposition`` (RFC 6266, RFC 5987's UTF-8 form), else the last segment of
  the URL path, else ``download``; an extension from the Content-Type when the name has
  none (``index.html``).  A server-given name is made safe (:func:`safe_name`): the
  last path component only, no control or bidi-override characters, no leading dots
  (so never ``..``, ``.bashrc`` or a hidden file), no characters Windows forbids, at
  most 200 bytes; it is always created in the current directory.
* **Never overwriting** (as HTTPie does): ``--download`` picks ``name-1.ext``,
  ``name-2.ext``... when the name is taken; ``-o FILE`` over an existing file asks on a
  terminal and is refused elsewhere (exit 2, before any request) unless ``--force``.
* **Nothing partial under the final name**: the body is written to ``FILE.part``
  (opened without following a symlink) and renamed to ``FILE`` once whole; a body that
  ends short of its ``Content-Length`` is a failure.  On a failure (the connection
  lost, Ctrl-C), ``FILE.part`` is kept when the server takes ``Range`` requests
  (``Accept-Ranges: bytes``, or it answered 206), and one line says how to resume;
  otherwise it is removed.
* **Resuming** (``--continue -o FILE``): the bytes already in ``FILE.part`` (or in
  ``FILE`` itself, as curl's ``-C -`` resumes a file) are asked for no more: the
  request carries ``Range: bytes=N-``.  A 206 whose ``Content-Range`` starts at N is
  appended; a 200 means the server sent the whole body again, which replaces the part;
  a 416 whose length is N means the file was complete.
* Downloads ask for ``Accept-Encoding: identity``, as HTTPie does, so the length and
  the ranges are those of the file itself.
* **Progress**: on a terminal, a bar on stderr (tqdm: size, percentage, rate, time
  left); the file's name in it is escaped like any server text.  Then one line:
  ``saved 1,234 bytes to report.csv``.
"""

from __future__ import annotations

import mimetypes
import os
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit

from explorer.errors import ResponseError, TransportError, UsageError
from explorer.render.text import one_line

if TYPE_CHECKING:
    from collections.abc import Callable

    from explorer.client.models import Response

#: the longest file name written (bytes of UTF-8), extension kept
MAX_NAME_BYTES = 200
PART_SUFFIX = ".part"
FALLBACK_NAME = "download"
_FORBIDDEN = re.compile(r'[<>:"/\\|?*]')
_RESERVED = frozenset(["CON", "PRN", "AUX", "NUL"] + [f"COM{i}" for i in range(1, 10)]
                      + [f"LPT{i}" for i in range(1, 10)])
_CONTENT_RANGE = re.compile(r"bytes\s+(?:(\d+)-(\d+)|\*)/(\d+|\*)", re.IGNORECASE)


class DownloadError(ResponseError):
    """A download that could not be completed (the part kept or removed, as said)."""


def safe_name(name: str | None) -> str | None:
    """A server-given file name made safe to create in the current directory, or None
    when nothing usable is left (see the module docstring)."""
    if not name:
        return None
    name = re.split(r"[/\\]", name)[-1]
    name = "".join(
        c for c in name
        if unicodedata.category(c) not in ("Cc", "Cf", "Zl", "Zp")  # controls, bidi, ZW
    )
    name = _FORBIDDEN.sub("_", name).strip().lstrip(".").rstrip(". ")
    if not name:
        return None
    stem, dot, ext = name.rpartition(".")
    if not dot:
        stem, ext = name, ""
    if stem.upper() in _RESERVED:
        name = "_" + name
    while len(name.encode()) > MAX_NAME_BYTES:
        keep = f".{ext}" if ext and len(ext) < 20 else ""
        base = name[: len(name) - len(keep)]
        name = base[:-1] + keep
    return name or None


def disposition_name(value: str | None) -> str | None:
    """The file name a ``Content-Disposition`` value gives (``filename*`` first), raw."""
    if not value:
        return None
    from email.message import Message
    from email.utils import collapse_rfc2231_value

    message = Message()
    try:
        message["Content-Disposition"] = value
        params = message.get_params(header="content-disposition") or []
        names = [v for k, v in params[1:] if k.lower() == "filename"]
        # RFC 6266: filename* (RFC 5987, a (charset, language, text) triple) wins
        extended = [v for v in names if isinstance(v, tuple)]
        found = collapse_rfc2231_value(extended[0] if extended else names[0]) if names else None
    except (ValueError, TypeError, LookupError, IndexError):
        return None
    return found if isinstance(found, str) else None


def name_for(response: Response, url: str) -> str:
    """The file name ``--download`` saves ``response`` (from ``url``) under."""
    name = safe_name(disposition_name(response.headers.get("Content-Disposition")))
    if name is None:
        segments = [s for s in urlsplit(url).path.split("/") if s]
        name = safe_name(unquote(segments[-1])) if segments else None
    if name is None:
        name = FALLBACK_NAME
    if "." not in name.strip("."):
        extension = mimetypes.guess_extension(response.content_type or "") or ""
        name = safe_name(name + extension) or name
    return name


def unique(path: Path) -> Path:
    """``path``, or ``name-1.ext``, ``name-2.ext``... beside it, the first one not taken."""
    if not os.path.lexists(path):
        return path
    stem, suffix = path.stem, path.suffix
    for n in range(1, 10_000):
        candidate = path.with_name(f"{stem}-{n}{suffix}")
        if not os.path.lexists(candidate):
            return candidate
    raise DownloadError(f"no free name like {path.name} in {path.parent}")


def part_path(path: Path) -> Path:
    return path.with_name(path.name + PART_SUFFIX)


# -- before the request ---------------------------------------------------------------------------


@dataclass
class Plan:
    """What a download will do, decided before the request is sent."""

    #: ``-o FILE`` (None: ``--download``, named after the answer)
    output: Path | None
    resume: bool = False
    #: bytes already saved that a Range request asks the server to skip
    offset: int = 0
    #: the file the saved bytes are in (``FILE.part``, or ``FILE`` itself)
    partial: Path | None = None
    directory: Path = Path()

    def request_headers(self) -> dict[str, str]:
        """Headers the download adds to the request (the user's own ones win)."""
        headers = {"Accept-Encoding": "identity"}
        if self.offset:
            headers["Range"] = f"bytes={self.offset}-"
        return headers


def plan(
    output: str | None,
    *,
    resume: bool = False,
    force: bool = False,
    ask: Callable[[str], bool] | None = None,
    directory: Path | None = None,
) -> Plan:
    """The plan for ``-o output`` (None: ``--download``); a usage error when ``output``
    exists and neither ``force``, ``resume`` nor ``ask`` (a terminal's yes) allow it."""
    where = directory or Path.cwd()
    if output is None:
        return Plan(None, directory=where)
    path = Path(output).expanduser()
    if not path.is_absolute():
        path = where / path
    if path.is_dir():
        raise UsageError(f"-o {output}: is a directory")
    if not path.parent.is_dir():
        raise UsageError(f"-o {output}: no such directory {path.parent}")
    part = part_path(path)
    if resume:
        for candidate in (part, path):
            if candidate.is_file():
                return Plan(path, resume=True, offset=candidate.stat().st_size,
                            partial=candidate, directory=path.parent)
        return Plan(path, resume=True, directory=path.parent)
    if os.path.lexists(path) and not force:
        question = f"{output} exists; replace it? [y/N] "
        if ask is None or not ask(question):
            raise UsageError(f"-o {output}: the file exists (give --force to replace it, "
                             "or --continue to resume it)")
    return Plan(path, directory=path.parent)


# -- the answer ------------------------------------------------------------------------------------


def save(
    response: Response,
    download: Plan,
    *,
    url: str,
    stderr: IO[str],
    progress: bool,
) -> Path:
    """Write ``response``'s body as ``download`` says; the path of the saved file.
    Raises :class:`DownloadError` (or the transport's error) when it could not be
    completed; see the module docstring for what is left behind then."""
    status = response.status
    target = download.output
    if target is None:
        target = unique(download.directory / name_for(response, url))
    part = part_path(target)
    offset = 0
    if download.resume and download.offset:
        if status == 416 and _range_total(response) == download.offset:
            response.close()
            return _finish(download.partial or part, target, stderr, download.offset,
                           note="already complete")
        if status == 206:
            start = _range_start(response)
            if start != download.offset:
                response.close()
                raise DownloadError(
                    f"the server resumed at byte {start} instead of {download.offset}; "
                    f"nothing was written (remove {part.name} to start again)")
            offset = download.offset
        elif status == 200:
            stderr.write(f"explorer: the server sent the whole file again; {target.name} "
                         "is downloaded from the start\n")
    if offset and download.partial is not None and download.partial != part:
        os.replace(download.partial, part)  # resuming FILE itself: it is the part now
    total = _expected_total(response, offset)
    resumable = _takes_ranges(response)
    flags = os.O_WRONLY | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    flags |= os.O_APPEND if offset else os.O_TRUNC
    try:
        fd = os.open(part, flags, 0o666)
    except OSError as exc:
        response.close()
        raise DownloadError(f"cannot write {part}: {exc.strerror}") from exc
    written = offset
    bar = _bar(total, offset, target.name, stderr) if progress else None
    try:
        with os.fdopen(fd, "wb") as sink:
            for chunk in response.iter_bytes():
                sink.write(chunk)
                written += len(chunk)
                if bar is not None:
                    bar.update(len(chunk))
            if total is not None and written < total:
                raise TransportError(
                    f"the body ended after {written:,} of {total:,} bytes", reason="reset")
    except (TransportError, OSError, KeyboardInterrupt) as exc:
        if bar is not None:
            bar.close()
        response.close()
        _left_behind(part, target, resumable and written > 0, written, stderr)
        if isinstance(exc, OSError):
            raise DownloadError(f"cannot write {part}: {exc.strerror}") from exc
        raise
    if bar is not None:
        bar.close()
    return _finish(part, target, stderr, written)


def _finish(part: Path, target: Path, stderr: IO[str], size: int, *, note: str = "") -> Path:
    """Rename the whole body to its final name (never over a file that appeared since,
    unless the plan allowed replacing it: ``-o`` asked or was forced)."""
    try:
        os.replace(part, target)
    except OSError as exc:
        raise DownloadError(f"cannot rename {part} to {target.name}: {exc.strerror}") from exc

    extra = f" ({note})" if note else ""
    stderr.write(f"explorer: saved {size:,} bytes to {one_line(str(_shown(target)))}{extra}\n")
    stderr.flush()
    return target


def _shown(path: Path) -> Path:
    try:
        return path.relative_to(Path.cwd())
    except ValueError:
        return path


def _left_behind(part: Path, target: Path, keep: bool, written: int, stderr: IO[str]) -> None:
    if keep:
        stderr.write(
            f"explorer: the download stopped; {written:,} bytes are kept in "
            f"{one_line(str(_shown(part)))}: resume with --continue -o "
            f"{one_line(str(_shown(target)))}\n")
    else:
        try:
            os.unlink(part)
        except OSError:
            return
    stderr.flush()


def _takes_ranges(response: Response) -> bool:
    return response.status == 206 or "bytes" in response.headers.get("Accept-Ranges", "").lower()


def _expected_total(response: Response, offset: int) -> int | None:
    """The size the file will have once whole (None: the server did not say)."""
    encoding = response.headers.get("Content-Encoding", "identity").strip().lower()
    if encoding not in ("", "identity"):
        return None  # the length is the encoded one; the body comes decoded
    length = response.headers.get("Content-Length")
    if length is None or not length.strip().isdigit():
        return None
    return offset + int(length)


def _range_start(response: Response) -> int | None:
    match = _CONTENT_RANGE.match(response.headers.get("Content-Range", "").strip())
    return int(match[1]) if match and match[1] is not None else None


def _range_total(response: Response) -> int | None:
    match = _CONTENT_RANGE.match(response.headers.get("Content-Range", "").strip())
    return int(match[3]) if match and match[3] != "*" else None


def _bar(total: int | None, offset: int, name: str, stream: IO[str]) -> Any:
    """A tqdm bar on ``stream`` (tqdm: a maintained progress meter that sizes itself to
    the terminal and shows the rate and the time left)."""
    from tqdm import tqdm


    shown = one_line(name)
    if len(shown) > 30:
        shown = shown[:29] + "…"
    return tqdm(total=total, initial=offset, unit="B", unit_scale=True, unit_divisor=1024,
                desc=shown, file=stream, dynamic_ncols=True, mininterval=0.1, leave=True,
                ascii=False)
