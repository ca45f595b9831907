"""The sandbox's HTTP server: sockets, request framing, error bodies, and its lifecycle.

:class:`SandboxServer` binds a ``ThreadingHTTPServer`` (HTTP/1.1, keep-alive), seeds
the store and serves in a daemon thread; :func:`serve` does the same in the
foreground for ``explorer serve``.  The handler reads bodies framed by Content-Length
or chunked encoding (sending ``100 Continue`` only when a handler first reads), answers
every error, the framework's own included (bad request line, 414, 431), with the JSON
error object, turns a handler bug into a 500 error object and keeps serving, and
drains an unread body after answering early (413) so the client can read the answer.
A reply that cannot be encoded is a handler bug too: it becomes the 500 error object,
never an empty answer.

Framing follows RFC 9112.  Content-Length headers that disagree are a 400 (and the
connection is closed).  Two answers are deliberately 5xx although they answer a
malformed request, because RFC 9112 names them: a request line with HTTP/2.0 or a
later major version gets 505 (HTTP Version Not Supported), and a Transfer-Encoding
other than ``chunked`` gets 501 (Not Implemented); both carry the usual error object.

:func:`serve` and :func:`stopping_on_signals` turn SIGTERM and SIGHUP, like Ctrl-C,
into an orderly stop, so the temporary upload directory is always removed.
"""

from __future__ import annotations

import email.errors
import re
import secrets
import shutil
import signal
import socket
import socketserver
import sys
import tempfile
import threading
import time
import traceback
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import IO, Any
from urllib.parse import urlsplit

from explorer.sandbox import seed
from explorer.sandbox.app import App
from explorer.sandbox.labstep import Account
from explorer.sandbox.store import Store
from explorer.sandbox.wire import (
    JSON_TYPE,
    REASONS,
    ApiError,
    Reply,
    Request,
    error_reply,
)

#: all request headers together, in bytes
MAX_HEADER_BYTES = 32 * 1024
#: an unread body up to this size is read and dropped after an early answer
DRAIN_LIMIT = 64 * 1024 * 1024
DRAIN_SECONDS = 10.0
IDLE_SECONDS = 60.0
_BAD_HEADER_LINES = (
    email.errors.MissingHeaderBodySeparatorDefect,
    email.errors.FirstHeaderLineIsContinuationDefect,
)
_INTERNAL = ApiError(500, "internal server error", details="see the server log")
_STORED = re.compile(r"\d+-[0-9a-f]{16}(\.[A-Za-z0-9]{1,10})?|\.upload-[0-9a-f]{16}\.part")


class Body:
    """The request body as a byte stream: ``read(n)`` gives up to n bytes, ``b""`` at
    the end.  Malformed framing or a short body raise :class:`ApiError`."""

    def __init__(
        self, rfile: IO[bytes], *, length: int | None, chunked: bool, on_first_read: Any
    ) -> None:
        self._rfile = rfile
        self._remaining = length or 0
        self._chunked = chunked
        self._chunk_left = 0
        self._done = not chunked and not length
        self._on_first_read = on_first_read
        self.started = False

    @property
    def finished(self) -> bool:
        return self._done

    def _start(self) -> None:
        if not self.started:
            self.started = True
            self._on_first_read()

    def read(self, size: int) -> bytes:
        if self._done or size <= 0:
            return b""
        self._start()
        try:
            if not self._chunked:
                data = self._rfile.read(min(size, self._remaining))
                if not data:
                    raise ApiError(400, "the body is shorter than its Content-Length")
                self._remaining -= len(data)
                self._done = self._remaining == 0
                return data
            return self._read_chunked(size)
        except TimeoutError as exc:
            raise ApiError(408, "timed out waiting for the request body") from exc
        except (ConnectionError, OSError) as exc:
            raise ApiError(400, "the connection broke while reading the body",
                           details=str(exc)) from exc

    def _line(self) -> bytes:
        line = self._rfile.readline(1025)
        if not line.endswith(b"\r\n") and not line.endswith(b"\n"):
            raise ApiError(400, "malformed chunked body")
        return line.rstrip(b"\r\n")

    def _read_chunked(self, size: int) -> bytes:
        out = bytearray()
        while len(out) < size and not self._done:
            if self._chunk_left == 0:
                text = self._line().split(b";", 1)[0].strip()
                if not text or not re.fullmatch(rb"[0-9A-Fa-f]{1,8}", text):
                    raise ApiError(400, "malformed chunk size in a chunked body")
                self._chunk_left = int(text, 16)
                if self._chunk_left == 0:
                    while self._line():  # trailers, up to the blank line
                        pass
                    self._done = True
                    break
            data = self._rfile.read(min(size - len(out), self._chunk_left))
            if not data:
                raise ApiError(400, "the chunked body ended early")
            out += data
            self._chunk_left -= len(data)
            if self._chunk_left == 0 and self._line():
                raise ApiError(400, "malformed chunked body (no CRLF after a chunk)")
        return bytes(out)

    def drain(self, *, limit: int, seconds: float) -> bool:
        """Read and drop the rest of the body; False if it is too big or too slow."""
        if self._done:
            return True
        if not self._chunked and self._remaining > limit:
            return False
        deadline = time.monotonic() + seconds
        dropped = 0
        try:
            while not self._done:
                dropped += len(self.read(64 * 1024))
                if dropped > limit or time.monotonic() > deadline:
                    return False
        except ApiError:
            return False
        return True


class Handler(BaseHTTPRequestHandler):
    """One connection; every method goes through :meth:`dispatch`."""

    protocol_version = "HTTP/1.1"
    server_version = "explorer-sandbox/0.1"
    sys_version = ""
    timeout = IDLE_SECONDS
    server: _Server

    def setup(self) -> None:
        super().setup()
        try:  # headers and body are separate writes: do not let Nagle hold the second
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        except OSError:
            pass
        self._continue_pending = False
        self.server.track(self.connection, True)

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            self.server.track(self.connection, False)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("do_"):
            return self.dispatch
        raise AttributeError(name)

    def handle_expect_100(self) -> bool:
        self._continue_pending = True  # sent when a handler first reads the body
        return True

    def _send_continue(self) -> None:
        if self._continue_pending:
            self._continue_pending = False
            self.send_response_only(100)
            self.end_headers()
            self.wfile.flush()

    def version_string(self) -> str:
        return self.server_version

    def log_message(self, format: str, *args: Any) -> None:
        self.server.sandbox_log(f"{self.address_string()} {format % args}")

    def send_error(self, code: int, message: str | None = None, explain: str | None = None):
        """The framework's own errors (bad request line, 414, 431, ...) as error objects."""
        self.close_connection = True
        error = ApiError(code, message or REASONS.get(code, "error"), details=explain)
        self._write(error_reply(error), head=getattr(self, "command", "") == "HEAD")

    # ------------------------------------------------------------------- dispatch

    def dispatch(self) -> None:
        body: Body | None = None
        try:
            request, body = self._request()
            reply = self.server.app.handle(request)
        except ApiError as error:
            reply = error_reply(error)
        except Exception:
            self.server.failed(traceback.format_exc())
            reply = error_reply(_INTERNAL)
        if body is None or not body.finished:
            self.close_connection = True
        if body is not None and body.started is False and self._continue_pending:
            body = None  # the client waits for 100 Continue: it will not send the body
        self._continue_pending = False
        self._write(reply, head=self.command == "HEAD")
        if body is not None and not body.finished:
            body.drain(limit=DRAIN_LIMIT, seconds=DRAIN_SECONDS)

    def _request(self) -> tuple[Request, Body | None]:
        size = sum(len(k) + len(v) + 4 for k, v in self.headers.items())
        if size > MAX_HEADER_BYTES:
            raise ApiError(431, f"request headers over {MAX_HEADER_BYTES} bytes")
        for defect in self.headers.defects:  # a line with no colon, or a leading fold:
            if isinstance(defect, _BAD_HEADER_LINES):  # the headers after it are lost
                raise ApiError(400, "malformed header line", details=type(defect).__name__)
        if any("\n" in value for value in self.headers.values()):
            raise ApiError(400, "obsolete line folding in a header (RFC 9112)")
        target = self.path
        if target.startswith(("http://", "https://")):
            parts = urlsplit(target)
            target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        if not target.startswith("/"):
            raise ApiError(400, f"malformed request target {target[:100]!r}")
        path, _, query = target.partition("#")[0].partition("?")
        chunked = self._chunked()
        length = self._content_length()
        if chunked and length is not None:
            raise ApiError(400, "both Content-Length and Transfer-Encoding given")
        body = Body(self.rfile, length=length, chunked=chunked, on_first_read=self._send_continue)
        request = Request(
            method=self.command.upper(),
            path=path,
            params={},
            query=query,
            headers=self.headers,
            read_body=body.read,
            content_length=length,
            has_body=chunked or bool(length),
        )
        return request, body

    def _chunked(self) -> bool:
        """Whether the body is chunked; any other transfer coding is a 501 (RFC 9112)."""
        fields = self.headers.get_all("Transfer-Encoding") or []
        codings = [c.strip().lower() for f in fields for c in f.split(",") if c.strip()]
        for coding in codings:
            if coding != "chunked":
                raise ApiError(501, f"Transfer-Encoding {coding[:40]!r} is not supported")
        if len(codings) > 1:
            raise ApiError(400, "Transfer-Encoding lists chunked more than once")
        return bool(codings)

    def _content_length(self) -> int | None:
        """The body's length from Content-Length; repeated headers (or a list) must all
        agree, or the request is a 400, since the framing would be ambiguous."""
        fields = self.headers.get_all("Content-Length")
        if not fields:
            return None
        values = {v.strip() for f in fields for v in f.split(",")}
        for value in values:
            if not value.isascii() or not value.isdigit() or len(value) > 15:
                raise ApiError(400, f"malformed Content-Length {value[:40]!r}")
        lengths = {int(v) for v in values}
        if len(lengths) > 1:
            shown = ", ".join(str(n) for n in sorted(lengths))
            raise ApiError(400, f"conflicting Content-Length headers ({shown})")
        return lengths.pop()

    def _write(self, reply: Reply, *, head: bool) -> None:
        if getattr(self, "request_version", "") in ("", "HTTP/0.9"):
            self.request_version = "HTTP/1.0"  # answer with a status line and headers
            self.close_connection = True
        try:
            payload, length = reply.payload()
        except Exception:  # e.g. a value JSON cannot carry: a bug, never an empty answer
            self.server.failed(traceback.format_exc())
            reply = error_reply(_INTERNAL)
            payload, length = reply.payload()
        headers = dict(reply.headers)
        if payload is not None and "Content-Type" not in headers:
            headers["Content-Type"] = JSON_TYPE
        try:
            self.send_response(reply.status, REASONS.get(reply.status))
            for key, value in headers.items():
                self.send_header(key, value)
            if reply.status not in (204, 304):
                self.send_header("Content-Length", str(length or 0))
            if self.close_connection:
                self.send_header("Connection", "close")
            self.end_headers()
            if payload is not None and not head:
                if isinstance(payload, bytes):
                    self.wfile.write(payload)
                else:
                    for chunk in payload:
                        self.wfile.write(chunk)
            self.wfile.flush()
        except (ConnectionError, TimeoutError, OSError):
            self.close_connection = True


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, address: tuple[str, int], app: App, log: IO[str] | None) -> None:
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        self.app = app
        self.log = log
        self.failures: list[str] = []
        self._connections: set[socket.socket] = set()
        self._lock = threading.Lock()
        super().__init__(address, Handler)

    def server_bind(self) -> None:
        # HTTPServer.server_bind asks DNS for the host's full name, which can stall
        socketserver.TCPServer.server_bind(self)
        host, port = self.server_address[:2]
        self.server_name, self.server_port = str(host), int(port)

    def track(self, connection: socket.socket, alive: bool) -> None:
        with self._lock:
            if alive:
                self._connections.add(connection)
            else:
                self._connections.discard(connection)

    def hang_up_all(self) -> None:
        with self._lock:
            connections = list(self._connections)
        for connection in connections:
            try:
                connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def sandbox_log(self, line: str) -> None:
        """A log line; what a client sent in it (its request line) is shown escaped."""
        if self.log is not None:
            from explorer.render.text import one_line

            try:
                print(one_line(line), file=self.log, flush=True)
            except (OSError, ValueError):
                pass

    def failed(self, text: str) -> None:
        with self._lock:
            self.failures = [*self.failures[-99:], text]
        self.sandbox_log(text.rstrip())

    def handle_error(self, request: Any, client_address: Any) -> None:
        # a client that hangs up mid-request is not the server's problem
        self.sandbox_log(f"{client_address}: connection error: {sys.exc_info()[1]!r}")


class SandboxServer:
    """The reference server of the LabOS and Labstep APIs.

    ``port=0`` picks a free port (read :attr:`url` after :meth:`start`).  ``token``: the
    LabOS Bearer token (random when None).  ``db``: a sqlite file that keeps data across
    restarts (seeded only when empty; ``reset=True`` wipes and reseeds it); None keeps
    everything in memory.  ``storage_dir``: where uploads go (default: ``<db>.files``
    beside the db, else a temporary directory removed on :meth:`stop`).  ``username``
    and ``password`` (random when None) log in to the Labstep API, whose key is
    :attr:`api_key` (kept in the db).  ``log``: a stream for one line per request.
    """

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        token: str | None = None,
        db: str | Path | None = None,
        reset: bool = False,
        storage_dir: str | Path | None = None,
        username: str = "demo@example.com",
        password: str | None = None,
        *,
        log: IO[str] | None = None,
    ) -> None:
        self.host = host
        self.port = port
        self.token = token or _secret(24)
        self.db = Path(db) if db is not None and str(db) != ":memory:" else None
        self.reset = reset
        self.username = username
        self.password = password or _secret(12)
        self.api_key: str | None = None
        self.storage_dir: Path | None = Path(storage_dir) if storage_dir is not None else None
        self.log = log
        self._storage_given = storage_dir is not None
        self._store: Store | None = None
        self._httpd: _Server | None = None
        self._thread: threading.Thread | None = None
        self._stopped = threading.Event()
        self._temp_storage: Path | None = None

    # ------------------------------------------------------------------- lifecycle

    def start(self) -> SandboxServer:
        """Bind, seed and serve in a daemon thread; returns ``self``."""
        if self._httpd is not None or self._stopped.is_set():
            raise RuntimeError("a SandboxServer starts once")
        store = Store(str(self.db) if self.db is not None else ":memory:")
        try:
            if self.reset:
                store.wipe()
            seed.seed(store, username=self.username)
            self.api_key = store.meta("api_key")
            if not self.api_key:
                self.api_key = secrets.token_hex(20)
                store.set_meta("api_key", self.api_key)
            storage = self._storage()
            app = App(
                store=store,
                token=self.token,
                account=Account(self.username, self.password, self.api_key),
                storage=storage,
            )
            httpd = _Server((self.host, self.port), app, self.log)
        except BaseException:
            store.close()
            self._remove_temp_storage()
            raise
        self._store, self._httpd = store, httpd
        self.port = httpd.server_address[1]
        self._thread = threading.Thread(
            target=httpd.serve_forever,
            kwargs={"poll_interval": 0.05},
            daemon=True,
            name=f"sandbox:{self.port}",
        )
        self._thread.start()
        return self

    def _storage(self) -> Path:
        if self.storage_dir is None:
            if self.db is not None:
                self.storage_dir = self.db.with_name(self.db.name + ".files")
            else:
                self._temp_storage = Path(tempfile.mkdtemp(prefix="explorer-sandbox-"))
                self.storage_dir = self._temp_storage
        self.storage_dir.mkdir(parents=True, exist_ok=True)
        if self.reset:
            for path in self.storage_dir.iterdir():
                if path.is_file() and _STORED.fullmatch(path.name):
                    path.unlink()
        return self.storage_dir

    def _remove_temp_storage(self) -> None:
        if self._temp_storage is not None:
            shutil.rmtree(self._temp_storage, ignore_errors=True)
            self._temp_storage = None

    def stop(self) -> None:
        """Stop serving, hang up open connections, close the store (idempotent)."""
        if self._stopped.is_set():
            return
        self._stopped.set()
        httpd, self._httpd = self._httpd, None
        if httpd is not None:
            httpd.app.stopping.set()
            if self._thread is not None and self._thread.ident is not None:
                httpd.shutdown()  # waits for serve_forever, so only once it runs
            httpd.server_close()
            httpd.hang_up_all()
        if self._thread is not None:
            self._thread.join(timeout=10)
        if self._store is not None:
            with self._store.atomic():
                pass  # wait for a write in flight
            self._store.close()
        self._remove_temp_storage()

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the server is stopped (True) or ``timeout`` passes (False)."""
        return self._stopped.wait(timeout)

    def __enter__(self) -> SandboxServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # ---------------------------------------------------------------------- state

    @property
    def url(self) -> str:
        """``http://HOST:PORT``, no trailing slash (after :meth:`start`)."""
        if self._thread is None:
            raise RuntimeError("the sandbox is not started")
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    @property
    def families(self) -> frozenset[str]:
        """The endpoint families switched on."""
        return self._app().families

    @property
    def slow_started(self) -> threading.Event:
        """Set once a ``/_sandbox/slow`` request is waiting: a request is in flight."""
        return self._app().slow_started

    @property
    def failures(self) -> list[str]:
        """Tracebacks of handler bugs answered with a 500 (most recent last)."""
        return list(self._httpd.failures) if self._httpd is not None else []

    def enable_family(self, name: str) -> None:
        """Switch on a family of endpoints (``labware``, ``samples``); it then appears
        in ``/discover`` and its ETag changes.  Unknown names: ValueError."""
        self._switch(name, True)

    def disable_family(self, name: str) -> None:
        self._switch(name, False)

    def next_labstep_id(self, entity: str, number: int) -> None:
        """Make ``number`` the id of the next Labstep ``entity`` created (``protocol``,
        ``experiment``, ``file``), as a document's examples number them; it must be
        above every id ``entity`` has given out (else ValueError)."""
        store = self._app().store
        with store.atomic():
            used = [int(doc["id"]) for doc in store.all(entity)]
            current = store.next_number(entity)
            if number < max([current, *(u + 1 for u in used)]):
                raise ValueError(f"{entity} ids up to {current - 1} are taken")
            store.set_next_number(entity, number)

    def _switch(self, name: str, on: bool) -> None:
        try:
            self._app().switch(name, on)
        except ApiError as exc:
            raise ValueError(f"{exc.message} ({exc.details})") from None

    def _app(self) -> App:
        if self._httpd is None:
            raise RuntimeError("the sandbox is not running")
        return self._httpd.app

    def __repr__(self) -> str:
        where = self.url if self._httpd is not None else "not running"
        return f"SandboxServer({where})"


def serve(
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    token: str | None = None,
    db: str | Path | None = None,
    reset: bool = False,
    out: IO[str] | None = None,
    ready: Any = None,
) -> None:
    """Run the sandbox in the foreground until Ctrl-C, SIGTERM or SIGHUP (or until
    stopped); each stops it in order, so the temporary upload directory is removed.

    Prints ``URL:``, ``Token:``, ``Username:``, ``Password:``, ``API key:`` and
    ``Uploads:`` (the upload directory) lines to ``out`` (default: standard output);
    requests are logged to standard error.  ``ready``, when given, is called with the
    running :class:`SandboxServer`."""
    out = out if out is not None else sys.stdout
    server = SandboxServer(host=host, port=port, token=token, db=db, reset=reset, log=sys.stderr)
    with stopping_on_signals(server):
        server.start()
        try:
            print(f"URL: {server.url}", file=out)
            print(f"Token: {server.token}", file=out)
            print(f"Username: {server.username}", file=out)
            print(f"Password: {server.password}", file=out)
            print(f"API key: {server.api_key}", file=out)
            print(f"Uploads: {server.storage_dir}", file=out)
            out.flush()
            if ready is not None:
                ready(server)
            stopped = False
            while not stopped:  # short waits: Ctrl-C is seen within half a second
                stopped = server.wait(0.5)
        except KeyboardInterrupt:
            return  # Ctrl-C: the server stops on the way out of the block


class Terminated(SystemExit):
    """SIGTERM or SIGHUP arrived (raised in the main thread by
    :func:`stopping_on_signals`, like KeyboardInterrupt for Ctrl-C).

    A SystemExit, because asyncio lets only SystemExit and KeyboardInterrupt out of a
    callback: raised while the shell's prompt_toolkit loop runs a callback, any other
    exception would be logged there and the shell would go on."""

    def __init__(self, signum: int) -> None:
        super().__init__(f"stopped by signal {signum}")
        self.signum = signum


#: the signals that stop a sandbox in order (SIGINT comes as KeyboardInterrupt)
STOP_SIGNALS: tuple[int, ...] = tuple(
    getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name)
)


def _terminate(signum: int, frame: Any) -> None:
    raise Terminated(signum)


@contextmanager
def stopping_on_signals(server: SandboxServer) -> Iterator[None]:
    """Run the block, then stop ``server`` however the block ends.

    In the main thread, SIGTERM and SIGHUP raise :class:`Terminated` inside the block
    (it is swallowed here: the block simply ends), and while the server stops, SIGINT,
    SIGTERM and SIGHUP are ignored so a second signal (or one sent to the whole process
    group) cannot cut the shutdown short and leave the upload directory behind.  The
    previous handlers come back afterwards."""
    if threading.current_thread() is not threading.main_thread():
        try:
            yield
        finally:
            server.stop()
        return
    previous = {signum: signal.signal(signum, _terminate) for signum in STOP_SIGNALS}
    try:
        with suppress(Terminated):  # the block simply ends
            yield
    finally:
        quiet = {signum: signal.signal(signum, signal.SIG_IGN) for signum in STOP_SIGNALS}
        quiet[signal.SIGINT] = signal.signal(signal.SIGINT, signal.SIG_IGN)
        try:
            server.stop()
        finally:
            for signum, handler in quiet.items():
                handler = previous.get(signum, handler)
                signal.signal(signum, signal.SIG_DFL if handler is None else handler)


def _secret(nbytes: int) -> str:
    """A random URL-safe secret that never starts with '-' (it would read as an option)."""
    value = secrets.token_urlsafe(nbytes)
    while value.startswith("-"):
        value = secrets.token_urlsafe(nbytes)
    return value
