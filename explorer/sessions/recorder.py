"""The recorder: every exchange the engine sends, appended to a session file as it completes.

``Recorder.open(path, base_url=, secrets=, routes_fingerprint=)`` creates the file (0600)
with its header line, or appends to an existing session.  ``recorder.wrap(spec,
response)`` returns a response whose body, however the front end reads it
(``.content`` or ``.iter_bytes()``), is teed to the recorder; the exchange's line is
written, in one ``write`` and flushed, when the body has been read to the end or the
response is closed.  Bodies over :data:`~explorer.sessions.format.INLINE_LIMIT`, and
binary ones, are streamed to a file beside the session, so a 200 MB answer piped to a
file never sits in memory here.  Secrets are replaced on the way
(:mod:`explorer.sessions.redact`).

Several processes may record to one session at once (two shells, a script beside the
shell): every write takes an exclusive lock (``flock`` on the session's directory, and a
thread lock), and a line's step number is given under it, one more than the largest the
file holds by then, so steps are unique and increase down the file.  A body file is
created exclusively (``0003-response.bin``, else ``0003-response-2.bin``...), so none
overwrites another; the number in its name is the step as first guessed.

The recording is a side file: when it cannot be written (a full disk, a read-only
directory) the exchange is left out with one warning, its partial body files removed,
and the answer reaches the front end whole all the same.  A line that was written in
part is cut back, so the session stays readable.
"""

from __future__ import annotations

import fcntl
import json
import mimetypes
import os
import re
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from explorer.client.models import NO_BODY, RequestSpec, Response
from explorer.client.urls import without_userinfo
from explorer.errors import SessionError
from explorer.fileio import atomic_write
from explorer.sessions.format import (
    BASE_URL_VAR,
    DIR_MODE,
    FILE_MODE,
    INLINE_LIMIT,
    dumps_line,
    files_dir,
    inline_body,
    make_header,
    parse_session,
)
from explorer.sessions.redact import Redactor


def utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _safe_name(text: str) -> str:
    name = re.sub(r"[^A-Za-z0-9._-]+", "_", text).strip("._") or "body"
    return name[:80]


_EXTENSIONS = {"application/json": ".json", "text/plain": ".txt", "text/html": ".html"}


def _stderr_warning(message: str) -> None:
    sys.stderr.write(f"explorer: warning: {message}\n")


class Recorder:
    """Appends exchanges to one session file; safe to share between threads and, through
    its lock, between processes recording to the same file."""

    def __init__(
        self,
        path: Path,
        fd: int,
        *,
        redactor: Redactor,
        next_step: int,
        auth: Any = None,
        directory_fd: int | None = None,
        warn: Callable[[str], None] | None = None,
        seen: int | None = None,
    ) -> None:
        self.path = path
        self._fd: int | None = fd
        self.redactor = redactor
        #: the client's :class:`~explorer.auth.Scheme`: its headers are recorded as
        #: placeholders (``Authorization: Bearer {{token}}``) unless a request typed its own
        self.auth = auth
        self.warn = warn or _stderr_warning
        self._last_step = next_step - 1  # the largest step the file holds, as last read
        self._lock = threading.RLock()
        self._pending: set[_Pending] = set()
        self.exchanges = 0
        self._secrets_known = len(redactor.known)
        self._dir_fd = directory_fd
        stat = os.fstat(fd)
        self._inode = (stat.st_dev, stat.st_ino)
        # how much of the file ``next_step`` accounts for: measured under the lock that
        # counted it (the size now may hold another process's line since)
        self._seen = stat.st_size if seen is None else seen
        self._header: bytes | None = None

    # -- opening -----------------------------------------------------------------------

    @classmethod
    def open(
        cls,
        path: str | os.PathLike,
        *,
        base_url: str,
        secrets: list[str],
        routes_fingerprint: str | None,
        auth: Any = None,
        warn: Callable[[str], None] | None = None,
    ) -> Recorder:
        """Create ``path`` (or append to the session already there).

        ``auth`` (optional) is the client's :class:`~explorer.auth.Scheme`; with it the
        session notes which credential it used, and its headers are recorded with
        placeholders for its secrets.  ``warn`` hears of an exchange that could not be
        recorded (default: a line on stderr).
        """
        path = Path(path)
        names = auth.placeholders() if auth is not None else {}
        redactor = Redactor(secrets, names=names)
        for secret, name in names.items():
            redactor.learn(secret, name)
        from explorer import __version__

        header = dumps_line(make_header(
            base_url=redactor.text(without_userinfo(base_url).rstrip("/")),
            routes_fingerprint=routes_fingerprint,
            auth=auth.session_value() if auth is not None else None,
            created=utc_now(),
            version=__version__,
        ))
        directory_fd = fd = None
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            directory_fd = os.open(path.parent, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
            with _flock(directory_fd):
                next_step = _prepare_existing(path)
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND | os.O_CLOEXEC,
                             FILE_MODE)
                with suppress(OSError):
                    os.fchmod(fd, FILE_MODE)
                if os.fstat(fd).st_size == 0:
                    _write_all(fd, header, path)
                seen = os.fstat(fd).st_size
        except OSError as exc:
            for opened in (fd, directory_fd):
                if opened is not None:
                    os.close(opened)
            raise SessionError(f"cannot record to {path}: {exc.strerror or exc}") from exc
        recorder = cls(path, fd, redactor=redactor, next_step=next_step, auth=auth,
                       directory_fd=directory_fd, warn=warn, seen=seen)
        recorder._header = header
        return recorder

    # -- recording ---------------------------------------------------------------------

    def wrap(
        self,
        spec: RequestSpec,
        response: Response,
        *,
        on_error: Callable[[str], None] | None = None,
        placed: Any = None,
    ) -> Response:
        """A response that tees its body here (:meth:`Response.tee`); the exchange is
        written when it is read.  When it cannot be recorded (a full disk, an upload
        that cannot be copied beside the session) the reader still gets the whole body,
        and one warning goes to ``on_error`` (default: the recorder's ``warn``).
        ``placed``: the scheme the request carried instead of the client's own (its
        secret where the API description put it, :func:`explorer.spec.auth.placed`),
        recorded where it went: ``?api_key={{api_key}}``, ``X-API-Key: {{api_key}}``."""
        warn = on_error or self.warn
        with self._lock:
            if self._fd is None:
                raise SessionError(f"the recording to {self.path} was stopped")
            guess = self._last_step + 1 + len(self._pending)
        created: list[Path] = []
        try:
            pending = _Pending(self, guess, spec, response, created, warn=warn,
                               placed=placed)
        except (OSError, SessionError) as exc:
            _remove(created)
            warn(self.failure(exc))
            return response
        if not response.consumed:
            with self._lock:
                self._pending.add(pending)
        return response.tee(pending)

    def close(self) -> None:
        """Write what is pending (marked truncated) and close the file."""
        with self._lock:
            pending = list(self._pending)
        for item in pending:
            item.finish(complete=False)
        with self._lock:
            fd, self._fd = self._fd, None
            directory_fd, self._dir_fd = self._dir_fd, None
        for opened in (fd, directory_fd):
            if opened is not None:
                os.close(opened)

    @property
    def closed(self) -> bool:
        return self._fd is None

    def failure(self, exc: BaseException) -> str:
        """The one warning for an exchange that could not be recorded."""
        return (f"cannot write the session {self.path} ({_reason(exc)}); "
                "the answer itself is not affected")

    # -- internals ---------------------------------------------------------------------

    def _write(self, data: bytes) -> None:
        """Append ``data`` (a whole line) to the session; under the lock."""
        _write_all(self._fd, data, self.path)

    @contextmanager
    def _locked(self) -> Iterator[None]:
        """The session to ourselves: other threads and other processes wait.  On the way
        in, what other processes wrote since is taken into account (their steps, a file
        another one rewrote or a user removed)."""
        with self._lock:
            if self._dir_fd is None:
                yield
                return
            with _flock(self._dir_fd):
                self._follow()
                yield

    def _follow(self) -> None:
        try:
            stat = os.stat(self.path)
        except FileNotFoundError:  # removed while recording: start it again
            stat = None
        if stat is None or (stat.st_dev, stat.st_ino) != self._inode:
            self._reopen()
            return
        if stat.st_size < self._seen:
            self._last_step, self._seen = _last_step(self.path), stat.st_size
        elif stat.st_size > self._seen:
            with open(self.path, "rb") as f:
                f.seek(self._seen)
                tail = f.read()
            self._last_step = max(self._last_step, _steps_in(tail))
            self._seen += len(tail)

    def _reopen(self) -> None:
        fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND | os.O_CLOEXEC, FILE_MODE)
        old, self._fd = self._fd, fd
        if old is not None:
            os.close(old)
        stat = os.fstat(fd)
        if stat.st_size == 0 and self._header is not None:
            _write_all(fd, self._header, self.path)
            stat = os.fstat(fd)
        self._inode = (stat.st_dev, stat.st_ino)
        self._last_step = _last_step(self.path)
        self._seen = stat.st_size

    def _done(self, pending: _Pending, exchange: dict[str, Any] | None) -> None:
        """Write ``pending``'s exchange (None: it could not be recorded) with the next
        step number; any failure is a warning and the exchange's files are removed."""
        try:
            with self._locked():
                self._pending.discard(pending)
                if exchange is None or self._fd is None:
                    pending.remove_files()
                    return
                step = self._last_step + 1
                line = pending.line(exchange, step)
                start = os.fstat(self._fd).st_size
                try:
                    self._write(line)
                except OSError:
                    with suppress(OSError):
                        os.ftruncate(self._fd, start)  # no torn line for the next writer
                    raise
                self._last_step, self._seen = step, start + len(line)
                self.exchanges += 1
                learned = len(self.redactor.known) != self._secrets_known
                self._secrets_known = len(self.redactor.known)
                if learned:
                    self._scrub_written()
        except OSError as exc:
            pending.remove_files()
            pending.warn(self.failure(exc))

    def _scrub_written(self) -> None:
        """A secret learned now (a password typed in a login, a key its answer gave) may
        sit in lines already written, this run's or an earlier one's: those lines and the
        files beside them are rewritten with it replaced (atomically; the file stays
        0600).  Runs under the lock, only when a new secret was learned."""
        r = self.redactor
        filled: dict[str, set[str]] = {}
        directory = files_dir(self.path)
        if directory.is_dir():
            for body in sorted(p for p in directory.rglob("*") if p.is_file()):
                if body.name.startswith("."):
                    continue
                seen: set[str] = set()
                data = body.read_bytes()
                redacted = r.data(data, seen=seen)
                if seen:
                    atomic_write(body, redacted, mode=FILE_MODE)
                    filled[body.relative_to(directory.parent).as_posix()] = seen
        data = Path(self.path).read_bytes()
        if not filled and not r.leaks(data):
            return
        lines = []
        for raw in data.splitlines(keepends=True):
            if r.leaks(raw) or (filled and b'"multipart"' in raw):
                try:
                    value = json.loads(raw)
                except (ValueError, RecursionError):
                    lines.append(r.data(raw))
                    continue
                value = r.strings(value)
                _note_placeholders(value, filled)
                raw = dumps_line(value)
            lines.append(raw)
        atomic_write(Path(self.path), lines, mode=FILE_MODE)
        self._reopen()

    def body_file(self, step: int, label: str, suffix: str, *,
                  folder: bool = False) -> tuple[Path, str, int | None]:
        """A new file (or, ``folder``, a directory) beside the session, made exclusively so
        that no other exchange's, this process's or another's, is overwritten: its path,
        its name relative to the session, and (for a file) its open descriptor."""
        directory = files_dir(self.path)
        directory.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
        base = f"{step:04d}-{_safe_name(label)}"
        for attempt in range(1, 10_000):
            name = base + (f"-{attempt}" if attempt > 1 else "") + suffix
            target = directory / name
            try:
                if folder:
                    os.mkdir(target, DIR_MODE)
                    fd = None
                else:
                    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC,
                                 FILE_MODE)
            except FileExistsError:
                continue
            return target, f"{directory.name}/{name}", fd
        raise SessionError(f"no free file name for {base}{suffix} beside {self.path}")

    def request_part(self, spec: RequestSpec, step: int,
                     created: list[Path] | None = None, *,
                     placed: Any = None) -> dict[str, Any]:
        """The request as a template (:mod:`explorer.sessions.format`): what was sent,
        its ``{{`` escaped, its secrets as placeholders.  Files it writes beside the
        session (an upload's copy, a large body) are added to ``created``.  The
        credential is recorded where it went: ``placed``'s place (see :meth:`wrap`),
        else the client's scheme's (headers, or query components)."""
        created = [] if created is None else created
        r = self.redactor
        body: Any = None
        if spec.json is not NO_BODY:
            body = {"json": r.template_json(spec.json)}
        if spec.form or spec.files:
            files = []
            for item in spec.files:
                files.append(self._copy_upload(item, step, created))
            fields = r.template_json({k: str(v) for k, v in spec.form.items()})
            body = {"multipart": {"fields": fields, "files": files}}
        elif spec.data is not None:
            ctype = next((v for k, v in spec.headers.items() if k.lower() == "content-type"), "")
            body = self._small_or_file(bytes(spec.data), step, "request", ctype or "",
                                       created, template=True)
        headers = r.template_headers(spec.headers)
        scheme = placed if placed is not None else self.auth
        if scheme is not None:  # its placeholders, after the data was escaped
            for name, value in scheme.recorded_headers().items():
                if not _has(headers, name.lower()):
                    headers[name] = value
        sent = list(spec.query)
        if scheme is not None:  # a key that went in the query (the redactor hides it)
            sent += [c for c in scheme.query() if c not in sent]
        query = r.template_query(sent)
        path = r.template_text(spec.path)
        target = path + ("?" + "&".join(query) if query else "")
        return {
            "method": spec.method,
            "url": BASE_URL_VAR + target,
            "path": path,
            "query": query,
            "headers": headers,
            "body": body,
        }

    def _copy_upload(self, item, step: int, created: list[Path]) -> dict[str, Any]:
        source = Path(item.path).expanduser()
        mime = item.mime or mimetypes.guess_type(item.name)[0] or "application/octet-stream"
        # A directory per upload keeps the file's own name, which replay sends again.
        folder, folder_name, _ = self.body_file(step, f"upload-{item.field}", "", folder=True)
        created.append(folder)
        filename = _safe_name(item.name)
        target, name = folder / filename, f"{folder_name}/{filename}"
        size = 0
        try:
            with open(source, "rb") as src, open(
                os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE), "wb"
            ) as dst:
                redact = self.redactor.stream()
                while chunk := src.read(65536):
                    size += len(chunk)
                    dst.write(redact.feed(chunk))
                dst.write(redact.finish())
        except OSError as exc:
            raise SessionError(
                f"cannot copy the upload {source} beside the session: {exc}") from exc
        entry = {"field": item.field, "filename": item.name, "type": mime, "size": size,
                 "file": name}
        if redact.seen:  # replay fills these back in before sending the copy
            entry["placeholders"] = sorted(redact.seen)
        return entry

    def _small_or_file(self, data: bytes, step: int, label: str, ctype: str,
                       created: list[Path], *, template: bool = False) -> dict | None:
        if not data:
            return None
        inline = inline_body(data, ctype, self.redactor, template=template)
        if inline is not None:
            return inline
        suffix = _EXTENSIONS.get(ctype.split(";")[0].strip().lower(), ".bin")
        target, name, fd = self.body_file(step, label, suffix)
        created.append(target)
        with open(fd, "wb") as f:
            f.write(self.redactor.data(data))
        return {"file": name, "size": len(data), "type": ctype or "application/octet-stream"}


def _has(headers: dict[str, str], name: str) -> bool:
    return any(k.lower() == name for k in headers)


class _Pending:
    """One exchange whose response body is still streaming."""

    def __init__(self, recorder: Recorder, step: int, spec: RequestSpec, response: Response,
                 created: list[Path] | None = None, *,
                 warn: Callable[[str], None] | None = None, placed: Any = None):
        self.recorder = recorder
        self.warn = warn or recorder.warn
        self.step = step  # a guess, for file names; the line gets its number when written
        self.time = utc_now()
        self.started = time.perf_counter()
        self.command = spec.command
        self.route = spec.route
        #: files this exchange wrote beside the session (removed if it is not recorded)
        self.created: list[Path] = [] if created is None else created
        self.request = recorder.request_part(spec, step, self.created, placed=placed)
        self.status = response.status
        self.reason = response.reason
        self.headers = dict(response.headers.items())
        self.elapsed = response.elapsed
        self.content_type = response.headers.get("Content-Type", "") or ""
        self.buffer = bytearray()
        self.size = 0
        self.file = None
        self.file_name: str | None = None
        self.redact = None
        self.done = False
        #: why the body cannot be recorded (the exchange is then left out), or None
        self.failed: OSError | None = None
        self._lock = threading.Lock()

    def feed(self, chunk: bytes) -> None:
        """Take a chunk of the body; a failure to keep it (a full disk) never reaches
        the reader, who gets every chunk all the same."""
        if self.done or not chunk or self.failed is not None:
            return
        self.size += len(chunk)
        try:
            if self.file is not None:
                self.file.write(self.redact.feed(chunk))
                return
            self.buffer += chunk
            if len(self.buffer) > INLINE_LIMIT:
                self._spill()
        except OSError as exc:
            self.failed = exc
            self.buffer = bytearray()
            self._close_file()

    def _spill(self) -> None:
        suffix = _EXTENSIONS.get(self.content_type.split(";")[0].strip().lower(), ".bin")
        target, self.file_name, fd = self.recorder.body_file(self.step, "response", suffix)
        self.created.append(target)
        self.file = open(fd, "wb")  # noqa: SIM115 - closed in finish()
        self.redact = self.recorder.redactor.stream()
        self.file.write(self.redact.feed(bytes(self.buffer)))
        self.buffer = bytearray()

    def _close_file(self) -> None:
        if self.file is not None:
            with suppress(OSError):
                self.file.close()
            self.file = None

    def remove_files(self) -> None:
        self._close_file()
        _remove(self.created)

    def finish(self, *, complete: bool) -> None:
        with self._lock:
            if self.done:
                return
            self.done = True
        exchange = None
        try:
            if self.failed is None:
                exchange = self._exchange(complete)
        except OSError as exc:
            self.failed = exc
        if self.failed is not None:
            self.warn(self.recorder.failure(self.failed))
        self.recorder._done(self, exchange)

    def _exchange(self, complete: bool) -> dict[str, Any]:
        r = self.recorder.redactor
        if self.file is not None:
            self.file.write(self.redact.finish())
            self.file.close()
            self.file = None
            body: Any = {
                "file": self.file_name,
                "size": self.size,
                "type": self.content_type or "application/octet-stream",
            }
        else:
            body = self.recorder._small_or_file(
                bytes(self.buffer), self.step, "response", self.content_type, self.created
            )
        if not complete and body is not None:
            body["truncated"] = True
        response = {
            "status": self.status,
            "reason": self.reason,
            "headers": r.headers(self.headers),
            "body": body,
            "duration_ms": round(self.elapsed * 1000, 1),
        }
        return {
            "step": None,
            "time": self.time,
            "command": r.command(self.command),
            "route": self.route,
            "request": self.request,
            "response": response,
        }

    def line(self, exchange: dict[str, Any], step: int) -> bytes:
        """The exchange's line, numbered ``step``."""
        r = self.recorder.redactor
        exchange["step"] = step
        line = dumps_line(exchange)
        if r.leaks(line):
            # A secret learned late (in the response) also appeared earlier in the line:
            # replace it as text, without applying the field rules again.
            line = dumps_line(r.strings(exchange))
        return line


def _note_placeholders(exchange: Any, filled: dict[str, set[str]]) -> None:
    """Add the names :meth:`Recorder._scrub_written` hid in upload copies to their
    entries, so replay fills them back in."""
    body = (exchange.get("request") or {}).get("body") if isinstance(exchange, dict) else None
    multipart = body.get("multipart") if isinstance(body, dict) else None
    for entry in (multipart or {}).get("files") or []:
        names = filled.get(entry.get("file")) if isinstance(entry, dict) else None
        if names:
            entry["placeholders"] = sorted(set(entry.get("placeholders") or ()) | names)


@contextmanager
def _flock(fd: int) -> Iterator[None]:
    fcntl.flock(fd, fcntl.LOCK_EX)
    try:
        yield
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)


def _write_all(fd: int, data: bytes, path: Path) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        if not written:
            raise OSError(f"cannot write to {path}")
        view = view[written:]


def _remove(paths: list[Path]) -> None:
    """Remove the files (and upload folders) an exchange that is not recorded wrote."""
    for path in reversed(paths):
        with suppress(OSError):
            if path.is_dir() and not path.is_symlink():
                for inner in path.iterdir():
                    inner.unlink()
                path.rmdir()
            else:
                path.unlink()


def _reason(exc: BaseException) -> str:
    return getattr(exc, "strerror", None) or str(exc)


def _steps_in(data: bytes) -> int:
    """The largest step number among whole lines of ``data`` (0 for none)."""
    largest = 0
    for line in data.split(b"\n"):
        if b'"step":' not in line[:12]:
            continue
        try:
            step = json.loads(line).get("step")
        except (ValueError, AttributeError):
            continue
        if isinstance(step, int) and not isinstance(step, bool):
            largest = max(largest, step)
    return largest


def _last_step(path: Path) -> int:
    try:
        return _steps_in(path.read_bytes())
    except FileNotFoundError:
        return 0


def _prepare_existing(path: Path) -> int:
    """The next step number for ``path``; an existing torn last line is cut off.  Only
    a regular file is read (``--record /dev/zero`` would never end)."""
    if path.exists() and not path.is_file():
        raise SessionError(f"cannot record to {path}: not a regular file")
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return 1
    if not data.strip():
        return 1
    session = parse_session(data, path=path)
    if not data.endswith(b"\n"):
        cut = data.rfind(b"\n") + 1
        if session.warnings:  # the torn line did not parse: drop it
            with open(path, "r+b") as f:
                f.truncate(cut)
        else:
            with open(path, "ab") as f:
                f.write(b"\n")
    steps = [e.step for e in session.exchanges]
    return (max(steps) if steps else 0) + 1

