"""``explorer import FILE.har -o sessions/NAME.jsonl``: a browser's network-tab export as a session.

Labstep's documentation suggests learning its API from the browser's network tab; a HAR
saved there holds every request of the page (scripts, fonts, analytics) with cookies and
keys.  The import keeps only the calls to the API host (``--host``, else the configured
server's, else the host that answered most JSON), drops what the browser adds on its own
(``sec-*``, ``user-agent``, ``accept-encoding``, HTTP/2 pseudo-headers…), and redacts
secrets exactly as the recorder does (:mod:`explorer.sessions.redact`).
"""

from __future__ import annotations

import base64
import json
import os
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

from explorer import __version__
from explorer.errors import SessionError, UsageError
from explorer.fileio import DOCUMENT_LIMIT, UnsafeFileError, read_bounded
from explorer.nesting import too_deep
from explorer.sessions.format import (
    DIR_MODE,
    FILE_MODE,
    dumps_line,
    files_dir,
    inline_body,
    is_form_type,
    make_header,
    wire_ready,
)
from explorer.sessions.recorder import utc_now
from explorer.sessions.redact import Redactor

_BROWSER_HEADERS = frozenset(
    {
        "user-agent", "accept-encoding", "accept-language", "connection", "host", "origin",
        "referer", "content-length", "cache-control", "pragma", "dnt", "priority", "te",
        "upgrade-insecure-requests", "if-none-match", "if-modified-since",
    }
)


def _keep_header(name: str) -> bool:
    low = name.lower()
    return not (low.startswith((":", "sec-")) or low in _BROWSER_HEADERS)


def load_har(path: str | Path, *, limit: int = DOCUMENT_LIMIT) -> list[dict[str, Any]]:
    """The entries of a HAR file, each checked (:func:`check_entry`).  A file that is
    not a regular one or is larger than ``limit`` (``settings.document_limit``) is
    refused before it is parsed, and so is JSON nested too deeply to read."""
    path = Path(path)
    raw = b""
    try:
        raw = read_bounded(path, limit)
        document = json.loads(raw)
    except FileNotFoundError as exc:
        raise SessionError(f"{path}: no such HAR file") from exc
    except UnsafeFileError as exc:
        raise SessionError(
            f"{path}: cannot read: {exc.strerror}"
            + (" (settings.document_limit in config.toml raises the limit)"
               if "larger" in (exc.strerror or "") else "")
        ) from exc
    except OSError as exc:
        raise SessionError(f"{path}: cannot read: {exc.strerror}") from exc
    except RecursionError as exc:
        raise SessionError(
            f"{path}: not a HAR file (JSON {too_deep(raw)}, too deep to read)"
        ) from exc
    except ValueError as exc:
        raise SessionError(f"{path}: not a HAR file (not JSON: {exc})") from exc
    log = document.get("log") if isinstance(document, dict) else None
    entries = log.get("entries") if isinstance(log, dict) else None
    if not isinstance(entries, list):
        raise SessionError(f"{path}: not a HAR file (no log.entries)")
    for number, entry in enumerate(entries, start=1):
        check_entry(entry, f"{path}: entry {number}")
    return entries


def _pairs(value: Any, where: str) -> None:
    """``value`` must be a list of ``{"name": str, "value": …}`` objects (or absent)."""
    if value is None:
        return
    if not isinstance(value, list):
        raise SessionError(f"{where} must be a list")
    for i, item in enumerate(value):
        if not isinstance(item, dict) or not isinstance(item.get("name"), str):
            raise SessionError(f"{where}[{i}] must be an object with a name")
        if not isinstance(item.get("value", ""), str | int | float):
            raise SessionError(f"{where}[{i}].value must be text")


def _object(value: Any, where: str) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise SessionError(f"{where} must be an object")
    return value


def check_entry(entry: Any, where: str) -> None:
    """Refuse (:class:`SessionError`, naming ``where``) an entry this import cannot read.

    A status outside 100..599 is not refused here: such an entry (``0`` is what a
    browser saves for a blocked or aborted request) is skipped and reported.
    """
    if not isinstance(entry, dict) or not isinstance(entry.get("request"), dict):
        raise SessionError(f"{where}: not a HAR entry (no request object)")
    request = entry["request"]
    if not isinstance(request.get("url"), str) or not request["url"]:
        raise SessionError(f"{where}: request.url must be a URL")
    if not isinstance(request.get("method", "GET"), str):
        raise SessionError(f"{where}: request.method must be text")
    _pairs(request.get("headers"), f"{where}: request.headers")
    post = _object(request.get("postData"), f"{where}: request.postData")
    _pairs(post.get("params"), f"{where}: request.postData.params")
    if not isinstance(post.get("text", ""), str) or not isinstance(post.get("mimeType", ""), str):
        raise SessionError(f"{where}: request.postData.text and mimeType must be text")
    response = _object(entry.get("response"), f"{where}: response")
    status = response.get("status", 0)
    if not isinstance(status, int) or isinstance(status, bool):
        raise SessionError(f"{where}: response.status must be a number, not {status!r}")
    _pairs(response.get("headers"), f"{where}: response.headers")
    content = _object(response.get("content"), f"{where}: response.content")
    if not isinstance(content.get("text", ""), str) or not isinstance(
        content.get("mimeType", ""), str
    ):
        raise SessionError(f"{where}: response.content.text and mimeType must be text")
    time_taken = entry.get("time", 0)
    if not isinstance(time_taken, int | float) or isinstance(time_taken, bool):
        raise SessionError(f"{where}: time must be a number")
    if not isinstance(entry.get("startedDateTime", ""), str):
        raise SessionError(f"{where}: startedDateTime must be text")


def _status(entry: dict[str, Any]) -> int:
    return (entry.get("response") or {}).get("status", 0)


def _host(url: str) -> str:
    return urlsplit(url).netloc.lower()


def api_host(entries: list[dict[str, Any]]) -> str | None:
    """The host that answered most JSON (the API, not the page's assets)."""
    counts: Counter = Counter()
    for entry in entries:
        mime = str(((entry.get("response") or {}).get("content") or {}).get("mimeType") or "")
        if "json" in mime.lower():
            counts[_host(entry["request"].get("url", ""))] += 1
    return counts.most_common(1)[0][0] if counts else None


def _matches(url: str, host: str) -> bool:
    parts = urlsplit(url)
    wanted = host.lower()
    if "://" in wanted:
        wanted = urlsplit(wanted).netloc.lower()
    return parts.netloc.lower() == wanted or (parts.hostname or "") == wanted


@dataclass
class ImportResult:
    imported: int
    total: int
    host: str
    #: one line per entry to the host that was left out (``entry 3 (GET URL): status 0``)
    skipped: list[str] = field(default_factory=list)


def import_har(
    source: str | Path, target: str | Path, *, host: str | None = None, force: bool = False,
    limit: int = DOCUMENT_LIMIT,
) -> ImportResult:
    """Write the session from the HAR ``source``'s calls to ``host``.

    Entries whose status is outside 100..599 (a browser saves ``0`` for a request that
    never got an answer) are left out and listed in :attr:`ImportResult.skipped`.
    An existing ``target`` is a UsageError unless ``force``: a recorded session is never
    replaced by accident.  The session is written atomically (write, fsync, rename), 0600.
    """
    target = Path(target)
    if not force and (target.exists() or target.is_symlink()):
        raise UsageError(f"{target} already exists (give --force to replace it)")
    entries = load_har(source, limit=limit)
    host = host or api_host(entries)
    if not host:
        raise SessionError(f"{source}: no JSON API calls found (give --host HOST)")
    kept, skipped = [], []
    for number, entry in enumerate(entries, start=1):
        url = str(entry["request"]["url"])
        if not _matches(url, host):
            continue
        status = _status(entry)
        if 100 <= status <= 599:
            kept.append(entry)
            continue
        parts = urlsplit(url)
        method = str(entry["request"].get("method", "GET")).upper()
        skipped.append(f"entry {number} ({method} {parts.scheme}://{parts.netloc}{parts.path}): "
                       f"status {status}")
    if not kept:
        answered = " that got an answer" if skipped else ""
        raise SessionError(f"{source}: no requests to {host}{answered}")
    first = urlsplit(str(kept[0]["request"]["url"]))
    base_url = f"{first.scheme}://{first.netloc}"
    redactor = Redactor()
    writer = _Writer(target)
    exchanges = [writer.exchange(i, entry, redactor) for i, entry in enumerate(kept, start=1)]
    lines = [
        dumps_line(
            make_header(
                base_url=base_url,
                routes_fingerprint=None,
                auth=_auth_kind(kept),
                created=utc_now(),
                version=__version__,
            )
        )
    ]
    for exchange in exchanges:
        line = dumps_line(exchange)
        if redactor.leaks(line):  # learned in a later entry: replace it as text only
            line = dumps_line(redactor.strings(exchange))
        lines.append(line)
    from explorer.fileio import atomic_write

    try:
        atomic_write(target, lines, mode=FILE_MODE)
    except OSError as exc:
        raise SessionError(f"cannot write {target}: {exc.strerror or exc}") from exc
    return ImportResult(len(kept), len(entries), host, skipped)


def _auth_kind(entries: list[dict[str, Any]]) -> Any:
    """Which scheme the requests authenticate with (the first one recognised)."""
    from explorer.auth import recognise

    for entry in entries:
        headers = {str(h["name"]): str(h.get("value", ""))
                   for h in entry["request"].get("headers") or []}
        found = recognise(headers)
        if found is not None:
            return found
    return None


class _Writer:
    def __init__(self, target: Path) -> None:
        self.target = target

    def _file(self, step: int, label: str, data: bytes, redactor: Redactor) -> str:
        directory = files_dir(self.target)
        directory.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
        name = f"{step:04d}-{label}"
        fd = os.open(directory / name, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
        with open(fd, "wb") as f:
            f.write(redactor.data(data))
        return f"{directory.name}/{name}"

    def _body(self, step: int, label: str, data: bytes, mime: str, r: Redactor, *,
              template: bool = False) -> Any:
        if not data:
            return None
        inline = inline_body(data, mime, r, template=template)
        if inline is not None:
            return inline
        name = self._file(step, label, data, r)
        return {"file": name, "size": len(data), "type": mime or "application/octet-stream"}

    def exchange(self, step: int, entry: dict[str, Any], r: Redactor) -> dict[str, Any]:
        request = entry["request"]
        response = entry.get("response") or {}
        url = urlsplit(wire_ready(str(request.get("url", ""))))  # a browser's, or a forger's
        path = url.path or "/"
        query = r.template_query([c for c in url.query.split("&") if c]) if url.query else []
        headers = {
            str(h.get("name")): str(h.get("value", ""))
            for h in request.get("headers") or []
            if isinstance(h, dict) and _keep_header(str(h.get("name", "")))
        }
        body = self._request_body(step, request, r)
        if body is not None and "multipart" in body:
            headers = {k: v for k, v in headers.items() if k.lower() != "content-type"}
        content = response.get("content") or {}
        data = _content_bytes(content)
        mime = str(content.get("mimeType") or "")
        target = path + ("?" + "&".join(query) if query else "")
        return {
            "step": step,
            "time": entry.get("startedDateTime") or utc_now(),
            "command": None,
            "route": None,
            "request": {
                "method": str(request.get("method", "GET")).upper(),
                "url": "{{base_url}}" + r.template_text(path) + target[len(path):],
                "path": r.template_text(path),
                "query": query,
                "headers": r.template_headers(headers),
                "body": body,
            },
            "response": {
                "status": response["status"],
                "reason": str(response.get("statusText") or ""),
                "headers": r.headers(
                    {
                        str(h.get("name")): str(h.get("value", ""))
                        for h in response.get("headers") or []
                        if isinstance(h, dict) and not str(h.get("name", "")).startswith(":")
                    }
                ),
                "body": self._body(step, "response", data, mime, r),
                "duration_ms": round(float(entry.get("time") or 0.0), 1),
            },
        }

    def _request_body(self, step: int, request: dict[str, Any], r: Redactor) -> Any:
        post = request.get("postData")
        if not isinstance(post, dict):
            return None
        mime = str(post.get("mimeType") or "")
        params = post.get("params")
        if mime.lower().startswith("multipart/") and isinstance(params, list):
            fields, files = {}, []
            for param in params:
                name = str(param.get("name", ""))
                if param.get("fileName"):
                    data = str(param.get("value") or "").encode()
                    folder = files_dir(self.target) / f"{step:04d}-upload-{name}"
                    folder.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
                    filename = Path(str(param["fileName"])).name or "upload"
                    fd = os.open(folder / filename, os.O_WRONLY | os.O_CREAT | os.O_TRUNC,
                                 FILE_MODE)
                    with open(fd, "wb") as f:
                        f.write(r.data(data))
                    files.append({
                        "field": name, "filename": filename,
                        "type": param.get("contentType") or "application/octet-stream",
                        "size": len(data),
                        "file": f"{files_dir(self.target).name}/{folder.name}/{filename}",
                    })
                else:
                    fields[name] = str(param.get("value", ""))
            fields = {k: r.text(str(v)) for k, v in r.template_json(fields).items()}
            return {"multipart": {"fields": fields, "files": files}}
        text = post.get("text")
        if (not isinstance(text, str) or not text) and is_form_type(mime) and params:
            text = urlencode([(str(p.get("name", "")), str(p.get("value", ""))) for p in params])
        if not isinstance(text, str) or not text:
            return None
        return self._body(step, "request", text.encode(), mime, r, template=True)


def _content_bytes(content: dict[str, Any]) -> bytes:
    text = content.get("text")
    if not isinstance(text, str):
        return b""
    if content.get("encoding") == "base64":
        try:
            return base64.b64decode(text)
        except ValueError:
            return b""
    return text.encode()
