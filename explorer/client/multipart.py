"""A streamed ``multipart/form-data`` body.

``requests`` builds multipart bodies in memory; a 25 MB upload should not be held
twice, so this body reads each file in chunks while it is sent, and knows its length
up front (Content-Length, no chunked encoding, which some servers refuse).
"""

from __future__ import annotations

import mimetypes
import re
import secrets
from collections.abc import Iterator
from pathlib import Path

from explorer.client.models import FileField
from explorer.errors import UsageError

CHUNK = 64 * 1024


def _quote(value: str) -> str:
    """A name or file name inside ``Content-Disposition``'s quotes: ``"``, line breaks
    and every other control character percent-encoded (a recorded file name is data)."""
    value = value.replace("\\", "\\\\").replace('"', "%22")
    return _CONTROL.sub(lambda c: f"%{ord(c.group()):02X}", value)


_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


#: a media type as a part's Content-Type may carry it: ``type/subtype`` and parameters,
#: nothing that could end the header line
_MEDIA_TYPE = re.compile(r"[A-Za-z0-9!#$&^_.+-]+/[A-Za-z0-9!#$&^_.+-]+(\s*;[^\x00-\x1f\x7f]*)?")


def _part_type(item: FileField) -> str:
    """The part's Content-Type: the one given (a ``;type=``, a recorded one), checked,
    else the one its name suggests (a guess from a ``data:`` name is refused quietly)."""
    if item.mime:
        if not isinstance(item.mime, str) or not _MEDIA_TYPE.fullmatch(item.mime):
            raise UsageError(f"{item.field}@: {ascii(item.mime)[:80]} is not a media type")
        return item.mime
    guessed = mimetypes.guess_type(item.name)[0]
    if guessed and _MEDIA_TYPE.fullmatch(guessed):
        return guessed
    return "application/octet-stream"


class MultipartBody:
    """File-like multipart body over ``fields`` and ``files``, read lazily."""

    def __init__(
        self, fields: dict[str, str], files: list[FileField], *, boundary: str | None = None
    ) -> None:
        self.boundary = boundary or secrets.token_hex(16)
        self._parts: list[bytes | Path] = []
        for name, value in fields.items():
            self._parts.append(
                self._head(f'form-data; name="{_quote(name)}"') + value.encode() + b"\r\n"
            )
        for item in files:
            path = Path(item.path).expanduser()
            if not path.is_file():
                reason = "not a regular file" if path.exists() else "no such file"
                raise UsageError(f"{item.field}@{item.path}: {reason}")
            mime = _part_type(item)
            disposition = f'form-data; name="{_quote(item.field)}"; filename="{_quote(item.name)}"'
            self._parts.append(self._head(disposition, mime))
            self._parts.append(path)
            self._parts.append(b"\r\n")
        self._parts.append(f"--{self.boundary}--\r\n".encode())
        self._length = sum(
            p.stat().st_size if isinstance(p, Path) else len(p) for p in self._parts
        )
        self._chunks: Iterator[bytes] | None = None
        self._buffer = b""

    def _head(self, disposition: str, mime: str | None = None) -> bytes:
        head = f"--{self.boundary}\r\nContent-Disposition: {disposition}\r\n"
        if mime:
            head += f"Content-Type: {mime}\r\n"
        return (head + "\r\n").encode()

    @property
    def content_type(self) -> str:
        return f"multipart/form-data; boundary={self.boundary}"

    @property
    def file_bytes(self) -> int:
        return sum(p.stat().st_size for p in self._parts if isinstance(p, Path))

    def __len__(self) -> int:
        return self._length

    def __iter__(self) -> Iterator[bytes]:
        for part in self._parts:
            if isinstance(part, bytes):
                yield part
                continue
            with open(part, "rb") as f:
                while chunk := f.read(CHUNK):
                    yield chunk

    def rewind(self) -> None:
        """Start over (a 307/308 redirect sends the body again)."""
        self._chunks = None
        self._buffer = b""

    def read(self, size: int = -1) -> bytes:
        if self._chunks is None:
            self._chunks = iter(self)
        if size is None or size < 0:
            data, self._buffer = self._buffer + b"".join(self._chunks), b""
            return data
        while len(self._buffer) < size:
            try:
                self._buffer += next(self._chunks)
            except StopIteration:
                break
        data, self._buffer = self._buffer[:size], self._buffer[size:]
        return data
