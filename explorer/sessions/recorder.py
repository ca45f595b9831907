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
"""

from __future__ import annotations

import json
import mimetypes
import os
import re
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from collections.abc import Callable
from typing import Any

from explorer.client.urls import without_userinfo
from explorer.client.models import NO_BODY, RequestSpec, Response
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


class Recorder:
    """Appends exchanges to one session file; safe to share between threads."""

    def __init__(
        self,
        path: Path,
        fd: int,
        *,
        redactor: Redactor,
        next_step: int,
        auth: Any = None,
    ) -> None:
        self.path = path
        self._fd: int | None = fd
        self.redactor = redactor
        #: the client's :class:`~explorer.auth.Scheme`: its headers are recorded as
        #: placeholders (``Authorization: Bearer {{token}}``) unless a request typed its own
        self.auth = auth
        self._step = next_step - 1
        self._lock = threading.Lock()
        self._pending: set[_Pending] = set()
        self.exchanges = 0
        self._secrets_known = len(redactor.known)

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
    ) -> Recorder:
        """Create ``path`` (or append to the session already there).

        ``auth`` (optional) is the client's :class:`~explorer.auth.Scheme`; with it the
        session notes which credential it used, and its headers are recorded with
        placeholders for its secrets.
        """
        path = Path(path)
        names = auth.placeholders() if auth is not None else {}
        redactor = Redactor(secrets, names=names)
        for secret, name in names.items():
            redactor.learn(secret, name)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            next_step = _prepare_existing(path)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND | os.O_CLOEXEC, FILE_MODE)
        except OSError as exc:
            raise SessionError(f"cannot record to {path}: {exc.strerror}") from exc
        try:
            os.fchmod(fd, FILE_MODE)
        except OSError:
            pass
        recorder = cls(path, fd, redactor=redactor, next_step=next_step, auth=auth)
        if next_step == 1 and os.fstat(fd).st_size == 0:
            from explorer import __version__

            header = make_header(
                base_url=redactor.text(without_userinfo(base_url).rstrip("/")),
                routes_fingerprint=routes_fingerprint,
                auth=auth.session_value() if auth is not None else None,
                created=utc_now(),
                version=__version__,
            )
            recorder._write(dumps_line(header))
        return recorder

    # -- recording ---------------------------------------------------------------------

    def wrap(
        self,
        spec: RequestSpec,
        response: Response,
        *,
        on_error: Callable[[str], None] | None = None,
    ) -> Response:
        """A response that tees its body here (:meth:`Response.tee`); the exchange is
        written when it is read.  With ``on_error``, a session that cannot be written
        is said there, once, and the reader still gets the whole body (the user's
        answer is never lost for its copy); without, it raises SessionError."""
        with self._lock:
            if self._fd is None:
                raise SessionError(f"the recording to {self.path} was stopped")
            self._step += 1
            step = self._step
        pending = _Pending(self, step, spec, response)
        if not response.consumed:
            with self._lock:
                self._pending.add(pending)
        return response.tee(pending if on_error is None else _Tolerant(pending, on_error))

    def close(self) -> None:
        """Write what is pending (marked truncated) and close the file."""
        with self._lock:
            pending = list(self._pending)
        for item in pending:
            item.finish(complete=False)
        with self._lock:
            fd, self._fd = self._fd, None
        if fd is not None:
            os.close(fd)

    @property
    def closed(self) -> bool:
        return self._fd is None

    # -- internals ---------------------------------------------------------------------

    def _write(self, data: bytes) -> None:
        with self._lock:
            if self._fd is None:
                return
            view = memoryview(data)
            while view:
                written = os.write(self._fd, view)
                view = view[written:]

    def _done(self, pending: _Pending, line: bytes) -> None:
        self._write(line)
        with self._lock:
            self._pending.discard(pending)
            self.exchanges += 1
            learned = len(self.redactor.known) != self._secrets_known
            self._secrets_known = len(self.redactor.known)
            if learned and self._fd is not None:
                self._scrub_written()

    def _scrub_written(self) -> None:
        """A secret learned now (a password typed in a login, a key its answer gave) may
        sit in lines already written, this run's or an earlier one's: those lines and the
        files beside them are rewritten with it replaced (atomically; the file stays
        0600).  Runs under ``self._lock``, only when a new secret was learned."""
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
                except ValueError:
                    lines.append(r.data(raw))
                    continue
                value = r.strings(value)
                _note_placeholders(value, filled)
                raw = dumps_line(value)
            lines.append(raw)
        atomic_write(Path(self.path), lines, mode=FILE_MODE)
        old, self._fd = self._fd, os.open(
            self.path, os.O_WRONLY | os.O_APPEND | os.O_CLOEXEC, FILE_MODE
        )
        os.close(old)

    def body_file(self, step: int, label: str, suffix: str) -> tuple[Path, str]:
        """A new file beside the session: its path, and its name relative to the session."""
        directory = files_dir(self.path)
        directory.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
        name = f"{step:04d}-{_safe_name(label)}{suffix}"
        return directory / name, f"{directory.name}/{name}"

    def request_part(self, spec: RequestSpec, step: int) -> dict[str, Any]:
        """The request as a template (:mod:`explorer.sessions.format`): what was sent,
        its ``{{`` escaped, its secrets as placeholders."""
        r = self.redactor
        body: Any = None
        if spec.json is not NO_BODY:
            body = {"json": r.template_json(spec.json)}
        if spec.form or spec.files:
            files = []
            for item in spec.files:
                files.append(self._copy_upload(item, step))
            fields = r.template_json({k: str(v) for k, v in spec.form.items()})
            body = {"multipart": {"fields": fields, "files": files}}
        elif spec.data is not None:
            ctype = next((v for k, v in spec.headers.items() if k.lower() == "content-type"), "")
            body = self._small_or_file(bytes(spec.data), step, "request", ctype or "",
                                       template=True)
        headers = r.template_headers(spec.headers)
        if self.auth is not None:  # its placeholders, after the data was escaped
            for name, value in self.auth.recorded_headers().items():
                if not _has(headers, name.lower()):
                    headers[name] = value
        query = r.template_query(spec.query)
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

    def _copy_upload(self, item, step: int) -> dict[str, Any]:
        source = Path(item.path).expanduser()
        mime = item.mime or mimetypes.guess_type(source.name)[0] or "application/octet-stream"
        # A directory per upload keeps the file's own name, which replay sends again.
        folder, folder_name = self.body_file(step, f"upload-{item.field}", "")
        folder.mkdir(mode=DIR_MODE, exist_ok=True)
        filename = _safe_name(source.name)
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
            raise SessionError(f"cannot copy the upload {source} beside the session: {exc}")
        entry = {"field": item.field, "filename": source.name, "type": mime, "size": size,
                 "file": name}
        if redact.seen:  # replay fills these back in before sending the copy
            entry["placeholders"] = sorted(redact.seen)
        return entry

    def _small_or_file(self, data: bytes, step: int, label: str, ctype: str, *,
                       template: bool = False) -> dict | None:
        if not data:
            return None
        inline = inline_body(data, ctype, self.redactor, template=template)
        if inline is not None:
            return inline
        suffix = _EXTENSIONS.get(ctype.split(";")[0].strip().lower(), ".bin")
        target, name = self.body_file(step, label, suffix)
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
        with open(fd, "wb") as f:
            f.write(self.redactor.data(data))
        return {"file": name, "size": len(data), "type": ctype or "application/octet-stream"}


def _has(headers: dict[str, str], name: str) -> bool:
    return any(k.lower() == name for k in headers)


class _Pending:
    """One exchange whose response body is still streaming."""

    def __init__(self, recorder: Recorder, step: int, spec: RequestSpec, response: Response):
        self.recorder = recorder
        self.step = step
        self.time = utc_now()
        self.started = time.perf_counter()
        self.command = spec.command
        self.route = spec.route
        self.request = recorder.request_part(spec, step)
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
        self._lock = threading.Lock()

    def feed(self, chunk: bytes) -> None:
        if self.done or not chunk:
            return
        self.size += len(chunk)
        if self.file is not None:
            self.file.write(self.redact.feed(chunk))
            return
        self.buffer += chunk
        if len(self.buffer) > INLINE_LIMIT:
            self._spill()

    def _spill(self) -> None:
        suffix = _EXTENSIONS.get(self.content_type.split(";")[0].strip().lower(), ".bin")
        target, self.file_name = self.recorder.body_file(self.step, "response", suffix)
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
        self.file = open(fd, "wb")  # noqa: SIM115 - closed in finish()
        self.redact = self.recorder.redactor.stream()
        self.file.write(self.redact.feed(bytes(self.buffer)))
        self.buffer = bytearray()

    def finish(self, *, complete: bool) -> None:
        with self._lock:
            if self.done:
                return
            self.done = True
        try:
            line = self._line(complete)
        except OSError as exc:
            self.recorder._done(self, b"")
            raise SessionError(
                f"cannot write the session {self.recorder.path}: {exc.strerror or exc}"
            ) from exc
        try:
            self.recorder._done(self, line)
        except OSError as exc:
            raise SessionError(
                f"cannot write the session {self.recorder.path}: {exc.strerror or exc}"
            ) from exc

    def _line(self, complete: bool) -> bytes:
        r = self.recorder.redactor
        if self.file is not None:
            self.file.write(self.redact.finish())
            self.file.close()
            body: Any = {
                "file": self.file_name,
                "size": self.size,
                "type": self.content_type or "application/octet-stream",
            }
        else:
            body = self.recorder._small_or_file(
                bytes(self.buffer), self.step, "response", self.content_type
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
        exchange = {
            "step": self.step,
            "time": self.time,
            "command": r.command(self.command),
            "route": self.route,
            "request": self.request,
            "response": response,
        }
        line = dumps_line(exchange)
        if r.leaks(line):
            # A secret learned late (in the response) also appeared earlier in the line:
            # replace it as text, without applying the field rules again.
            line = dumps_line(r.strings(exchange))
        return line


class _Tolerant:
    """An exchange being recorded whose failures are said once and swallowed: the
    body goes on to its reader."""

    def __init__(self, pending: _Pending, on_error: Callable[[str], None]) -> None:
        self.pending = pending
        self.on_error = on_error
        self.broken = False

    def _guard(self, call) -> None:
        if self.broken:
            return
        try:
            call()
        except (SessionError, OSError) as exc:
            self.broken = True
            self.on_error(f"{exc}; the answer itself is not affected")

    def feed(self, chunk: bytes) -> None:
        self._guard(lambda: self.pending.feed(chunk))

    def finish(self, *, complete: bool) -> None:
        self._guard(lambda: self.pending.finish(complete=complete and not self.broken))


def _note_placeholders(exchange: Any, filled: dict[str, set[str]]) -> None:
    """Add the names :meth:`Recorder._scrub_written` hid in upload copies to their
    entries, so replay fills them back in."""
    body = (exchange.get("request") or {}).get("body") if isinstance(exchange, dict) else None
    multipart = body.get("multipart") if isinstance(body, dict) else None
    for entry in (multipart or {}).get("files") or []:
        names = filled.get(entry.get("file")) if isinstance(entry, dict) else None
        if names:
            entry["placeholders"] = sorted(set(entry.get("placeholders") or ()) | names)


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

