"""HAR 1.2 against the recorded base URL, one entry per exchange.

HAR 1.2 (http://www.softwareishard.com/blog/har-12-spec/), placeholders (not secrets)
where secrets were.  A HAR has no templates: a request's strings are written as they
read (a ``{{`` the user sent is a ``{{`` again), its placeholders as ``{{name}}``.

Bodies: JSON and text inline; a body kept in a file beside the session is included
base64-encoded (``content.encoding``) up to 1 MB, and left out (with a comment) above.
"""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from explorer import __version__
from explorer.errors import SessionError
from explorer.fileio import UnsafeFileError, read_bounded
from explorer.sessions.export.plan import Step
from explorer.sessions.format import Session, body_path, template_literal, wire_ready

SUFFIX = ".har"
EMBED_LIMIT = 1024 * 1024


def _pairs(headers: dict[str, Any], template: bool = False) -> list[dict[str, str]]:
    read = template_literal if template else str
    return [{"name": str(k), "value": read(str(v))} for k, v in (headers or {}).items()]


def _literal_json(value: Any) -> Any:
    if isinstance(value, str):
        return template_literal(value)
    if isinstance(value, dict):
        return {k: _literal_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_literal_json(v) for v in value]
    return value


def _query(components: list[str]) -> list[dict[str, str]]:
    out = []
    for component in components:
        name, sep, value = component.partition("=")
        name, value = template_literal(name), template_literal(value)
        out.append({"name": unquote(name), "value": unquote(value) if sep else ""})
    return out


def _content_type(headers: dict[str, Any], default: str) -> str:
    for k, v in (headers or {}).items():
        if k.lower() == "content-type":
            return str(v)
    return default


def _post_data(request: dict[str, Any]) -> dict[str, Any] | None:
    body = request.get("body")
    if body is None:
        return None
    headers = request.get("headers") or {}
    if "json" in body:
        return {"mimeType": _content_type(headers, "application/json"),
                "text": json.dumps(_literal_json(body["json"]), ensure_ascii=False)}
    if "multipart" in body:
        multipart = body["multipart"]
        params = [{"name": k, "value": template_literal(str(v))}
                  for k, v in (multipart.get("fields") or {}).items()]
        for item in multipart.get("files") or []:
            params.append({"name": item["field"], "fileName": item.get("filename") or "",
                           "contentType": item.get("type") or "application/octet-stream"})
        return {"mimeType": "multipart/form-data", "params": params}
    if "text" in body:
        return {"mimeType": _content_type(headers, "text/plain"),
                "text": template_literal(body["text"])}
    return {"mimeType": body.get("type") or "application/octet-stream", "text": "",
            "comment": f"body kept in {body.get('file')}"}


def _content(response: dict[str, Any], base: Path) -> dict[str, Any]:
    body = response.get("body")
    mime = _content_type(response.get("headers") or {}, "")
    if body is None:
        return {"size": 0, "mimeType": mime or "x-unknown"}
    if "json" in body:
        text = json.dumps(body["json"], ensure_ascii=False)
        return {"size": len(text.encode()), "mimeType": mime or "application/json", "text": text}
    if "text" in body:
        return {"size": len(body["text"].encode()), "mimeType": mime or "text/plain",
                "text": body["text"]}
    size = int(body.get("size") or 0)
    content: dict[str, Any] = {"size": size, "mimeType": mime or body.get("type") or "x-unknown"}
    try:
        path = body_path(body, base)
    except SessionError as exc:
        content["comment"] = str(exc)
        return content
    try:
        data = read_bounded(path, EMBED_LIMIT)
    except UnsafeFileError as exc:  # larger than a HAR embeds, or not a regular file
        content["comment"] = f"body of {size} bytes kept in {body['file']} ({exc.strerror})"
        return content
    content["text"] = base64.b64encode(data).decode()
    content["encoding"] = "base64"
    return content


def har_document(session: Session) -> dict[str, Any]:
    base_url = wire_ready((session.base_url or "http://localhost").rstrip("/"))
    base = session.directory
    entries = []
    for exchange in session.exchanges:
        request, response = exchange.request, exchange.response
        duration = max(exchange.duration_ms, 0.0)
        post = _post_data(request)
        har_request: dict[str, Any] = {
            "method": exchange.method,
            "url": base_url + template_literal(exchange.target),
            "httpVersion": "HTTP/1.1",
            "cookies": [],
            "headers": _pairs(request.get("headers") or {}, template=True),
            "queryString": _query(exchange.query),
            "headersSize": -1,
            "bodySize": len(post["text"].encode()) if post and "text" in post else
            (-1 if post else 0),
        }
        if post is not None:
            har_request["postData"] = post
        headers = response.get("headers") or {}
        location = next((str(v) for k, v in headers.items() if k.lower() == "location"), "")
        content = _content(response, base)
        entries.append(
            {
                "startedDateTime": exchange.raw.get("time") or session.header.get("created"),
                "time": duration,
                "request": har_request,
                "response": {
                    "status": exchange.status,
                    "statusText": response.get("reason") or "",
                    "httpVersion": "HTTP/1.1",
                    "cookies": [],
                    "headers": _pairs(headers),
                    "content": content,
                    "redirectURL": location,
                    "headersSize": -1,
                    "bodySize": content.get("size", -1),
                },
                "cache": {},
                "timings": {"send": 0, "wait": duration, "receive": 0},
                "comment": exchange.command or "",
            }
        )
    return {
        "log": {
            "version": "1.2",
            "creator": {"name": "explorer", "version": __version__},
            "pages": [],
            "entries": entries,
            "comment": f"explorer session {session.path.name}",
        }
    }


def render(session: Session, steps: list[Step], *, files_root: Path) -> str:
    return json.dumps(har_document(session), indent=2, ensure_ascii=False) + "\n"
