"""A streaming ``multipart/form-data`` reader (RFC 7578), pull style.

It never holds more than one read chunk plus a boundary's length of a part in memory,
so a 25 MB file goes from the socket to disk without a second copy::

    reader = MultipartReader(read, boundary_of(content_type))
    while (part := reader.next_part()) is not None:
        for chunk in reader.chunks():
            ...

Parts whose body is not read are skipped.  Malformed input (no boundary, a part with
no name, a head over the limit, a body that ends before the closing delimiter) raises
:class:`~explorer.sandbox.wire.ApiError` 400.  (The stdlib ``cgi`` module is deprecated
and reads whole bodies; ``email`` parses from memory.)
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from urllib.parse import unquote

from explorer.sandbox.wire import ApiError

CHUNK = 64 * 1024
MAX_HEAD = 16 * 1024
_BOUNDARY = re.compile(r"[0-9A-Za-z'()+_,\-./:=? ]{0,69}[0-9A-Za-z'()+_,\-./:=?]")


@dataclass
class Part:
    """One part's head: the form field name, the client's file name, the type."""

    name: str
    filename: str | None = None
    content_type: str | None = None
    headers: dict[str, str] = field(default_factory=dict)


def parse_params(value: str) -> tuple[str, dict[str, str]]:
    """``form-data; name="a"; filename="b"`` -> ``("form-data", {"name": "a", ...})``.

    Quoted strings may contain ``;`` and backslash escapes; ``name*=UTF-8''...``
    (RFC 5987) is decoded and wins over the plain parameter."""
    items: list[str] = []
    current, quoted, escaped = [], False, False
    for char in value:
        if escaped:
            current.append(char)
            escaped = False
        elif quoted and char == "\\":
            current.append(char)
            escaped = True
        elif char == '"':
            quoted = not quoted
            current.append(char)
        elif char == ";" and not quoted:
            items.append("".join(current))
            current = []
        else:
            current.append(char)
    items.append("".join(current))
    main = items[0].strip().lower()
    params: dict[str, str] = {}
    extended: dict[str, str] = {}
    for item in items[1:]:
        key, sep, raw = item.partition("=")
        key, raw = key.strip().lower(), raw.strip()
        if not sep or not key:
            continue
        if len(raw) >= 2 and raw[0] == raw[-1] == '"':
            raw = re.sub(r"\\(.)", r"\1", raw[1:-1])
        if key.endswith("*"):
            charset, _, rest = raw.partition("'")
            _, _, encoded = rest.partition("'")
            try:
                extended[key[:-1]] = unquote(encoded, encoding=charset or "utf-8", errors="strict")
            except (LookupError, UnicodeDecodeError):
                continue
        else:
            params[key] = raw
    params.update(extended)
    return main, params


def boundary_of(content_type: str | None) -> str:
    """The boundary of a ``multipart/form-data`` Content-Type, or a 400/415."""
    if not content_type:
        raise ApiError(400, "multipart/form-data body expected (no Content-Type)")
    kind, params = parse_params(content_type)
    if kind != "multipart/form-data":
        raise ApiError(415, f"multipart/form-data body expected, not {kind!r}")
    boundary = params.get("boundary", "")
    if not _BOUNDARY.fullmatch(boundary):
        raise ApiError(400, "multipart/form-data without a valid boundary")
    return boundary


class MultipartReader:
    """Reads parts from ``read(n) -> bytes`` (``b""`` at the end of the body)."""

    def __init__(self, read: Callable[[int], bytes], boundary: str, *, chunk: int = CHUNK):
        self._read = read
        self._chunk = chunk
        # the first delimiter may open the body, so look for CRLF--boundary after a CRLF
        self._buf = bytearray(b"\r\n")
        self._eof = False
        self._delim = b"\r\n--" + boundary.encode("ascii")
        self._state = "preamble"  # then: "body", "delimited", "done"

    def _fill(self) -> None:
        if self._eof:
            raise ApiError(400, "multipart body ended before its closing boundary")
        data = self._read(self._chunk)
        if data:
            self._buf += data
        else:
            self._eof = True

    def _need(self, count: int) -> None:
        while len(self._buf) < count:
            self._fill()

    def chunks(self) -> Iterator[bytes]:
        """The current part's body, in chunks; ends at the next delimiter."""
        if self._state != "body":
            return
        delim, keep = self._delim, len(self._delim) - 1
        while True:
            at = self._buf.find(delim)
            if at >= 0:
                data = bytes(self._buf[:at])
                del self._buf[: at + len(delim)]
                self._state = "delimited"
                if data:
                    yield data
                return
            if len(self._buf) > keep:
                data = bytes(self._buf[:-keep])
                del self._buf[:-keep]
                yield data
            self._fill()

    def _skip_preamble(self) -> None:
        delim = self._delim
        while True:
            at = self._buf.find(delim)
            if at >= 0:
                del self._buf[: at + len(delim)]
                self._state = "delimited"
                return
            if len(self._buf) > MAX_HEAD:
                raise ApiError(400, "no multipart boundary found at the start of the body")
            self._fill()

    def next_part(self) -> Part | None:
        """The next part's head, or None after the closing delimiter."""
        if self._state == "body":
            for _ in self.chunks():
                pass
        if self._state == "preamble":
            self._skip_preamble()
        if self._state == "done":
            return None
        self._need(2)
        if self._buf[:2] == b"--":
            self._state = "done"
            return None
        while True:  # transport padding, then CRLF
            end = self._buf.find(b"\r\n")
            if end >= 0:
                if self._buf[:end].strip(b" \t"):
                    raise ApiError(400, "malformed multipart delimiter line")
                del self._buf[: end + 2]
                break
            if len(self._buf) > 1024:
                raise ApiError(400, "malformed multipart delimiter line")
            self._fill()
        head = self._head()
        self._state = "body"
        return head

    def _head(self) -> Part:
        while True:
            if self._buf[:2] == b"\r\n":
                raw, cut = b"", 2
                break
            end = self._buf.find(b"\r\n\r\n")
            if end >= 0:
                raw, cut = bytes(self._buf[:end]), end + 4
                break
            if len(self._buf) > MAX_HEAD:
                raise ApiError(400, f"a multipart part head is over {MAX_HEAD} bytes")
            self._need(len(self._buf) + 1)
        if cut > MAX_HEAD:
            raise ApiError(400, f"a multipart part head is over {MAX_HEAD} bytes")
        del self._buf[:cut]
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            text = raw.decode("latin-1")
        headers: dict[str, str] = {}
        for line in text.split("\r\n"):
            if not line:
                continue
            key, sep, value = line.partition(":")
            if not sep or not key.strip():
                raise ApiError(400, f"malformed multipart part header {line[:80]!r}")
            headers[key.strip().lower()] = value.strip()
        disposition, params = parse_params(headers.get("content-disposition", ""))
        if disposition != "form-data" or not params.get("name"):
            raise ApiError(400, "a multipart part without Content-Disposition: form-data; name=")
        return Part(
            name=params["name"],
            filename=params.get("filename"),
            content_type=headers.get("content-type"),
            headers=headers,
        )
