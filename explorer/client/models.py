"""What to send and what came back: the values every front end passes around.

``RequestSpec`` is built by the request-item parser and the commands, sent by
:class:`explorer.client.Client`, written by the recorder.  ``Request`` is one request
as it goes on the wire (an absolute URL, final headers, a body): what a
:class:`~explorer.client.transport.Transport` handles.  ``Response`` wraps what came
back; its body is read lazily so a 200 MB answer can stream to a pipe.  Build one
with :meth:`Response.of` (a body in hand) or :meth:`Response.streaming` (chunks);
:meth:`Response.tee` gives a response whose body is also handed to an observer as it
is read (the recorder).
"""

from __future__ import annotations

import json as _json
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

from explorer.client.headers import Headers
from explorer.record import Frozen, Record, setfield


class _NoBody:
    """Marker for "no JSON body" (``None`` is a valid JSON body: ``null``)."""

    _instance: _NoBody | None = None

    def __new__(cls) -> _NoBody:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "NO_BODY"

    def __bool__(self) -> bool:
        return False


NO_BODY: Any = _NoBody()


class FileField(Record):
    """One multipart file part: ``field@path`` (``mime`` guessed when None).
    ``filename`` is the name the part gives the server, when it is not the file's own
    (a replayed upload: the name it was recorded under, not its copy's)."""

    __slots__ = ("field", "filename", "mime", "path")
    _fields = ("field", "path", "mime", "filename")

    def __init__(self, field: str, path: str, mime: str | None = None,
                 filename: str | None = None) -> None:
        self.field = field
        self.path = path
        self.mime = mime
        self.filename = filename

    @property
    def name(self) -> str:
        """The file name the server is given."""
        if self.filename:
            return self.filename
        from pathlib import PurePath

        return PurePath(self.path).name


class RequestSpec(Record):
    """One request, ready to send.

    ``path`` is relative to the server's base URL and already percent-encoded for
    the wire.  ``query`` holds wire-ready query components (``limit=5``,
    ``updatedAt>2023-05-01``) that are joined with ``&`` and never re-encoded.
    A body is at most one of: ``json`` (anything JSON), ``form`` + ``files``
    (multipart), ``data`` (raw bytes).  ``route`` is the route pattern that serves
    ``path`` (``GET /public/v1/instruments/:id?``), if known; ``command`` the command
    line as the user typed it, for the recorder.
    """

    __slots__ = ("command", "data", "files", "form", "headers", "json", "method", "path",
                 "query", "route")
    _fields = ("method", "path", "query", "headers", "json", "form", "files", "data",
               "route", "command")

    def __init__(
        self,
        method: str,
        path: str,
        query: list[str] | None = None,
        headers: dict[str, str] | None = None,
        json: Any = NO_BODY,
        form: dict[str, str] | None = None,
        files: list[FileField] | None = None,
        data: bytes | None = None,
        route: str | None = None,
        command: str | None = None,
    ) -> None:
        self.method = method.upper()
        self.path = path
        self.query: list[str] = [] if query is None else query
        self.headers: dict[str, str] = {} if headers is None else headers
        self.json = json
        self.form: dict[str, str] = {} if form is None else form
        self.files: list[FileField] = [] if files is None else files
        self.data = data
        self.route = route
        self.command = command

    @property
    def has_body(self) -> bool:
        return self.json is not NO_BODY or bool(self.form) or bool(self.files) or (
            self.data is not None
        )

    @property
    def target(self) -> str:
        """Path plus query string, exactly as it goes on the wire."""
        if not self.query:
            return self.path
        joiner = "&" if "?" in self.path else "?"
        return self.path + joiner + "&".join(self.query)

    def url(self, base_url: str) -> str:
        """The absolute URL of this request against ``base_url``."""
        return base_url.rstrip("/") + self.target


class Timeout(Frozen):
    """How long a request may take: ``connect`` to make the connection, ``read`` for
    each read, ``total`` (``--max-time``) for the whole exchange, None for no bound."""

    __slots__ = ("connect", "read", "total")
    _fields = ("connect", "read", "total")

    def __init__(self, connect: float = 10.0, read: float = 30.0,
                 total: float | None = None) -> None:
        setfield(self, "connect", connect)
        setfield(self, "read", read)
        setfield(self, "total", total)


class Request(Record):
    """One request as a transport sends it.

    ``url`` is absolute and its target goes on the wire exactly as written;
    ``headers`` are final (layered, defaults in); ``body`` is None, bytes, or a stream
    with ``__len__``, ``read`` and ``rewind`` (a multipart upload).  ``cookies``:
    whether the transport may add its cookies for the URL (not after a redirect to
    another origin).  ``label`` is how messages name the server (no password);
    ``spec`` what it was built from, if anything.
    """

    __slots__ = ("body", "cookies", "headers", "label", "method", "spec", "timeout", "url")
    _fields = ("method", "url", "headers", "body", "timeout", "cookies", "label", "spec")

    def __init__(
        self,
        method: str,
        url: str,
        headers: dict[str, str] | None = None,
        body: Any = None,
        timeout: Timeout | None = None,
        cookies: bool = True,
        label: str = "",
        spec: RequestSpec | None = None,
    ) -> None:
        self.method = method
        self.url = url
        self.headers: dict[str, str] = {} if headers is None else headers
        self.body = body
        self.timeout = Timeout() if timeout is None else timeout
        self.cookies = cookies
        self.label = label
        self.spec = spec


class Observer:
    """What :meth:`Response.tee` hands the body to: ``feed`` each chunk as it is read,
    then ``finish(complete=...)`` once (False when the reader stopped early)."""

    def feed(self, chunk: bytes) -> None:
        """One more piece of the body."""

    def finish(self, *, complete: bool) -> None:
        """The body ended (``complete``) or the response was closed before its end."""


class Response(Record):
    """An answer from the server.

    ``headers`` is case-insensitive.  The body is read on first use of
    :attr:`content`; :meth:`iter_bytes` streams it instead, once.  ``elapsed``: seconds
    from sending the request to receiving the headers; ``request_headers``: the headers
    of the request as it finally went out (after auth, defaults, redirects);
    ``credential_headers``: the lower-case names of the request headers that carried its
    auth scheme's credential (``-v`` masks them, whatever they are called: an OpenAPI
    ``apiKey`` header); ``request_url``: the URL the request finally went to (the
    query its auth scheme added included), and ``credential_query`` the names of the
    query parameters that carried the credential (``?api_key=``: masked the same way).
    """

    __slots__ = ("_close", "_content", "_stream", "credential_headers", "credential_query",
                 "elapsed", "headers", "reason", "request_headers", "request_url", "status",
                 "url")
    _fields = ("status", "reason", "headers", "url", "elapsed", "request_headers", "_content",
               "_stream", "_close", "credential_headers", "request_url", "credential_query")

    def __init__(
        self,
        status: int,
        reason: str,
        headers: Mapping[str, str],
        url: str,
        elapsed: float,
        request_headers: Mapping[str, str] | None = None,
        _content: bytes | None = None,
        _stream: Iterator[bytes] | None = None,
        _close: Any = None,
        credential_headers: frozenset[str] = frozenset(),
        request_url: str | None = None,
        credential_query: frozenset[str] = frozenset(),
    ) -> None:
        self.status = status
        self.reason = reason
        self.headers = headers
        self.url = url
        self.elapsed = elapsed
        self.request_headers = request_headers
        self._content = _content
        self._stream = _stream
        self._close = _close
        self.credential_headers = credential_headers
        self.request_url = request_url
        self.credential_query = credential_query

    @classmethod
    def of(
        cls,
        status: int,
        content: bytes = b"",
        *,
        headers: Mapping[str, str] | None = None,
        reason: str = "",
        url: str = "",
        elapsed: float = 0.0,
        request_headers: Mapping[str, str] | None = None,
        credential_headers: frozenset[str] = frozenset(),
    ) -> Response:
        """An answer whose body is in hand (tests, a merged ``--all``, a kept body)."""
        return cls(status, reason, _headers(headers), url, elapsed,
                   request_headers=request_headers, _content=bytes(content),
                   credential_headers=credential_headers)

    @classmethod
    def streaming(
        cls,
        status: int,
        chunks: Iterable[bytes],
        *,
        headers: Mapping[str, str] | None = None,
        reason: str = "",
        url: str = "",
        elapsed: float = 0.0,
        close: Callable[[], None] | None = None,
        request_headers: Mapping[str, str] | None = None,
        credential_headers: frozenset[str] = frozenset(),
    ) -> Response:
        """An answer whose body is read from ``chunks`` as it is used (once);
        ``close`` is called when it is read to the end or closed."""
        return cls(status, reason, _headers(headers), url, elapsed,
                   request_headers=request_headers, _stream=iter(chunks), _close=close,
                   credential_headers=credential_headers)

    @property
    def consumed(self) -> bool:
        """Whether the body is already in memory (or there is none to stream)."""
        return self._content is not None or self._stream is None

    def tee(self, observer: Observer) -> Response:
        """This answer again, with its body handed to ``observer`` as it is read; a
        body already in memory is handed over at once.  Read the returned response,
        not this one."""
        if self.consumed:
            observer.feed(self.content)
            observer.finish(complete=True)
            return self
        stream, close = self._stream, self._close
        self._stream, self._close = None, None

        def chunks() -> Iterator[bytes]:
            try:
                for chunk in stream:
                    observer.feed(chunk)
                    yield chunk
            except BaseException:
                observer.finish(complete=False)
                raise
            observer.finish(complete=True)

        def close_both() -> None:
            try:
                if close is not None:
                    close()
            finally:
                observer.finish(complete=False)

        return self.with_body(chunks(), close=close_both)

    def with_body(self, chunks: Iterable[bytes] | bytes, *,
                  close: Callable[[], None] | None = None,
                  headers: Mapping[str, str] | None = None) -> Response:
        """This answer (status, headers, how its request went out) with another body:
        ``chunks`` to stream, or the bytes in hand."""
        request = {"reason": self.reason, "url": self.url, "elapsed": self.elapsed,
                   "request_headers": self.request_headers,
                   "credential_headers": self.credential_headers}
        shown = self.headers if headers is None else headers
        if isinstance(chunks, bytes | bytearray):
            response = Response.of(self.status, chunks, headers=shown, **request)
        else:
            response = Response.streaming(self.status, chunks, headers=shown, close=close,
                                          **request)
        response.request_url = self.request_url
        response.credential_query = self.credential_query
        return response

    @property
    def content(self) -> bytes:
        if self._content is None:
            chunks = self._stream if self._stream is not None else iter(())
            self._content = b"".join(chunks)
            self._stream = None
            self.close()
        return self._content

    def iter_bytes(self, chunk_size: int = 65536) -> Iterator[bytes]:
        """Yield the body in chunks without holding it all (once, unless already read)."""
        if self._content is not None or self._stream is None:
            content = self.content
            for i in range(0, len(content), chunk_size):
                yield content[i : i + chunk_size]
            return
        stream, self._stream = self._stream, None
        try:
            yield from stream
        finally:
            self.close()

    def close(self) -> None:
        if self._close is not None:
            close, self._close = self._close, None
            close()

    @property
    def content_type(self) -> str:
        return self.headers.get("Content-Type", "").split(";")[0].strip().lower()

    @property
    def is_json(self) -> bool:
        ctype = self.content_type
        return ctype == "application/json" or ctype.endswith("+json")

    @property
    def charset(self) -> str:
        """The body's declared charset when Python knows it, else ``utf-8``."""
        return charset_of(self.headers.get("Content-Type", ""))

    def json(self) -> Any:
        """The body parsed as JSON; raises ``ValueError`` when it is not."""
        return _json.loads(self.content)


def _headers(headers: Mapping[str, str] | None) -> Mapping[str, str]:
    """``headers`` as a case-insensitive mapping (what every Response holds)."""
    return Headers(headers or {})


def charset_of(content_type: str) -> str:
    """The ``charset`` parameter of a Content-Type value, as a codec name Python knows
    (``utf-8`` when it is missing or unknown)."""
    import codecs

    for part in content_type.split(";")[1:]:
        key, _, value = part.strip().partition("=")
        if key.strip().lower() == "charset" and value.strip():
            name = value.strip().strip('"').strip()
            try:
                codecs.lookup(name)
            except LookupError:
                return "utf-8"
            return name
    return "utf-8"
