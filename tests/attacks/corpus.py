"""The hostile corpus: sessions, a HAR and a listing an attacker would hand a user, each
step with what must reach the wire when the session is replayed or exported.

Every hostile string tries to run code in one of the languages the exports write: the
shell (``$(touch pwned-...)``, backquotes, quotes), Python (``\"\"\"+__import__("os")...``,
f-string braces), hurl (``{{...}}``, ``#``).  Each would create a file named
``pwned-*`` in the working directory; none may.  The session's own file name and its
base URL are hostile too.  Recorded strings are templates (``{{'{{'}}`` is a literal
``{{``, explorer.sessions.format), so a ``{{token}}`` the user typed is data: it must
reach the wire as typed, never filled in.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from explorer.sessions.format import escape_braces, escape_json

#: the session's file name: a docstring breakout, single quotes and a $(...)
SESSION_NAME = 'x"""+__import__("os").system("touch pwned-py")+"""y\'$(touch pwned-sh)\'.jsonl'
#: the base URL's path: command substitution and backquotes (the space, which no URL holds,
#: goes on the wire percent-encoded)
BASE_PATH = "/p$(touch pwned-base)`touch${IFS}pwned-tick`"
#: what the hostile server answers for the thing the session created
RUNTIME_ID = "a/b$(touch${IFS}pwned-id)'\"`x`"
WIRE_ID = quote(RUNTIME_ID, safe="")

DEEP: object = "bottom"
for _ in range(25):
    DEEP = {"d": DEEP}

#: a JSON body as the user sent it (the session holds it escaped)
BODY = {
    "name": 'x"""+__import__("os").system("touch pwned-json")+"""y',
    "single": "x'''+__import__('os').system('touch pwned-json2')+'''y",
    "shell": "$(touch pwned-json3) `touch pwned-json4` \"; touch pwned-json5; \"",
    "fstring": "{__import__('os').system('touch pwned-fs')} {{x}} {{token}}",
    "braces": "{x} }{ %s %(x)s \\",
    "k'ey\"": "quoted key",
    "lines": "one\ntwo\r\n\u2028three\u0000end #not-a-comment",
    "big": 1e300,
    "neg": -0.5,
    "int": 12345678901234567890,
    "flags": [True, False, None],
    "deep": DEEP,
}
TEXT = "@/etc/passwd\n$(touch pwned-text) `touch pwned-text2` {{x}}"
FORM = "a=%24%28x%29&b={{token}}&c='\"`&d=$(touch pwned-form)"
NOTE = "it's \"q\" $(touch pwned-field) {{x}} #hash"
UPLOAD = "it's$(touch pwned-up).csv"
UPLOAD_DATA = b"a,b\n$(touch pwned-updata),'\"\n"
BLOB = b"\x00\x01'$(touch pwned-bin)\xff\r\n"
HEADERS = {
    "X-Evil": "$(touch pwned-h) \"dq\" 'sq' `bt` \\ ; | & > x",
    "X-Braces": "{{token}} {x} %s #h",
}
RAW_QUERY = "raw=a'b\"c`d`$(touch${IFS}pwned-q)|;<>"


@dataclass
class Expect:
    """What one step must put on the wire."""

    method: str
    target: str
    headers: dict[str, str] = field(default_factory=dict)
    json: object = None
    body: bytes | None = None  # exactly these bytes (a text or file body)
    fields: dict[str, str] | None = None  # multipart: the text fields ...
    files: dict[str, tuple[str, bytes]] | None = None  # ... and field -> (filename, data)


def _line(step: int, method: str, path: str, *, query=(), headers=None, body=None,
          status=200, answer=None, route=None, command=None) -> dict:
    return {
        "step": step, "time": "2024-05-01T09:00:00.000Z", "command": command, "route": route,
        "request": {"method": method, "url": "{{base_url}}" + path, "path": path,
                    "query": list(query), "headers": headers or {}, "body": body},
        "response": {"status": status, "reason": "OK", "headers": {},
                     "body": {"json": {"ok": True} if answer is None else answer},
                     "duration_ms": 1.0},
    }


def _write(path: Path, base_url: str, lines: list[dict]) -> Path:
    header = {"session": "explorer", "format": 1, "explorer": "0.1.0",
              "created": "2024-05-01T09:00:00Z", "vars": {"base_url": base_url},
              "routes": None, "auth": None}
    path.write_text("".join(json.dumps(x) + "\n" for x in [header, *lines]))
    return path


def hostile_session(folder: Path, server_url: str) -> tuple[Path, list[Expect]]:
    """The main hostile session (see the module docstring), and what each step sends
    when the server answers :data:`RUNTIME_ID` for the thing step 1 created."""
    path = folder / SESSION_NAME
    files = folder / (SESSION_NAME + ".d")
    (files / "0005-upload-file").mkdir(parents=True)
    (files / "0005-upload-file" / UPLOAD).write_bytes(UPLOAD_DATA)
    (files / "0007-request.bin").write_bytes(BLOB)
    upload = f"{files.name}/0005-upload-file/{UPLOAD}"
    lines = [
        _line(1, "POST", "/things", headers={"Content-Type": "application/json"},
              body={"json": escape_json(BODY)}, status=201, route="POST /things",
              answer={"id": "t-rec", "name": "thing"},
              command="call POST /things 'name=$(touch pwned-cmd)'\n$(touch pwned-cmd2)"),
        _line(2, "GET", "/things/t-rec", route="GET /things/:id",
              query=["owner_id=t-rec", "q=%24%28touch%20x%29", RAW_QUERY,
                     "t=" + escape_braces("{{token}}")]),
        _line(3, "PUT", "/things/t-rec/note", headers={"Content-Type": "text/plain"},
              body={"text": escape_braces(TEXT)}, route="PUT /things/:id/note"),
        _line(4, "POST", "/form",
              headers={"Content-Type": "application/x-www-form-urlencoded"},
              body={"text": escape_braces(FORM)}),
        _line(5, "POST", "/upload", body={"multipart": {
            "fields": {"note": escape_braces(NOTE), "thing_id": "t-rec"},
            "files": [{"field": "file", "filename": UPLOAD, "type": "text/csv",
                       "size": len(UPLOAD_DATA), "file": upload}]}}),
        _line(6, "DELETE", "/things/t-rec", route="DELETE /things/:id",
              headers={k: escape_braces(v) for k, v in HEADERS.items()}),
        _line(7, "POST", "/blob", headers={"Content-Type": "application/octet-stream"},
              body={"file": f"{files.name}/0007-request.bin", "size": len(BLOB),
                    "type": "application/octet-stream"}),
    ]
    _write(path, server_url + BASE_PATH, lines)
    expect = [
        Expect("POST", "/things", json=BODY),
        Expect("GET", f"/things/{WIRE_ID}?owner_id={WIRE_ID}&q=%24%28touch%20x%29&{RAW_QUERY}"
                      "&t={{token}}"),
        Expect("PUT", f"/things/{WIRE_ID}/note", body=TEXT.encode()),
        Expect("POST", "/form", body=FORM.encode()),
        Expect("POST", "/upload", fields={"note": NOTE, "thing_id": RUNTIME_ID},
               files={"file": (UPLOAD, UPLOAD_DATA)}),
        Expect("DELETE", f"/things/{WIRE_ID}", headers=HEADERS),
        Expect("POST", "/blob", body=BLOB),
    ]
    return path, expect


def dots_session(folder: Path, server_url: str) -> Path:
    """A session that creates a thing and deletes it: when the server calls the thing
    ``..``, no export (and no replay) may send ``DELETE /things/..``."""
    return _write(folder / "dots.jsonl", server_url, [
        _line(1, "POST", "/things", body={"json": {"name": "d"}}, status=201,
              route="POST /things", answer={"id": "d-rec"}),
        _line(2, "DELETE", "/things/d-rec", route="DELETE /things/:id"),
    ])


def outside_sessions(folder: Path, server_url: str) -> list[Path]:
    """Sessions naming a file outside their directory: an absolute path, a ``..``, a
    symlink out, as an ``@file`` body and as an upload."""
    secret = folder.parent / "outside-secret.txt"
    secret.write_text("the user's private file\n")
    inside = folder / "out-link.jsonl.d"
    inside.mkdir()
    (inside / "link").symlink_to(secret)
    made = []
    for name, ref in (("out-abs", str(secret)), ("out-dots", "../outside-secret.txt"),
                      ("out-link", "out-link.jsonl.d/link")):
        made.append(_write(folder / f"{name}.jsonl", server_url, [
            _line(1, "POST", "/blob", body={"file": ref, "size": 1, "type": "text/plain"})]))
        made.append(_write(folder / f"{name}-upload.jsonl", server_url, [
            _line(1, "POST", "/upload", body={"multipart": {"fields": {}, "files": [
                {"field": "f", "filename": "x", "type": "text/plain", "size": 1,
                 "file": ref}]}})]))
    return made


def hostile_har(path: Path, server_url: str) -> tuple[Path, list[Expect]]:
    """A browser's HAR with hostile URLs, headers and bodies (and a literal {{token}}:
    the import must keep it data)."""
    entries = [
        ("GET", f"/har/x?q=$(touch%20pwned-har)'&{RAW_QUERY}&t={{{{token}}}}", [], None),
        ("POST", "/har/json", [("Content-Type", "application/json")],
         {"mimeType": "application/json", "text": json.dumps(BODY)}),
        ("POST", "/har/text", [("Content-Type", "text/plain"), ("X-Evil", HEADERS["X-Evil"])],
         {"mimeType": "text/plain", "text": TEXT}),
    ]
    har = {"log": {"version": "1.2", "creator": {"name": "attacker", "version": "1"},
                   "entries": [{
                       "startedDateTime": "2024-05-01T09:00:00.000Z", "time": 1,
                       "request": {"method": m, "url": server_url + target,
                                   "httpVersion": "HTTP/1.1", "cookies": [],
                                   "headers": [{"name": k, "value": v} for k, v in headers],
                                   "queryString": [], "headersSize": -1, "bodySize": -1,
                                   **({"postData": post} if post else {})},
                       "response": {"status": 200, "statusText": "OK", "httpVersion":
                                    "HTTP/1.1", "cookies": [], "headers": [
                                        {"name": "Content-Type", "value": "application/json"}],
                                    "content": {"size": 12, "mimeType": "application/json",
                                                "text": '{"ok": true}'},
                                    "redirectURL": "", "headersSize": -1, "bodySize": 12},
                       "cache": {}, "timings": {"send": 0, "wait": 1, "receive": 0},
                   } for m, target, headers, post in entries]}}
    path.write_text(json.dumps(har))
    expect = [
        Expect("GET", f"/har/x?q=$(touch%20pwned-har)'&{RAW_QUERY}&t={{{{token}}}}"),
        Expect("POST", "/har/json", json=BODY),
        Expect("POST", "/har/text", headers={"X-Evil": HEADERS["X-Evil"]}, body=TEXT.encode()),
    ]
    return path, expect


def hostile_spec(path: Path) -> Path:
    """An OpenAPI document whose operationId, summary and a path are hostile text (the
    path needs no space or ``$``: backquotes and ``>`` make a file in the shell)."""
    parameter = [{"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}]
    path.write_text(json.dumps({
        "openapi": "3.0.0", "info": {"title": "hostile", "version": "1"}, "paths": {
            "/things/{id}": {"get": {
                "operationId": 'x"""+__import__("os").system("touch pwned-op")+"""',
                "summary": "$(touch pwned-summary)\nnext line", "parameters": parameter}},
            "/q'u\"o`>pwned-spec`;>pwned-spec2/{id}": {"get": {"parameters": parameter}},
        }}))
    return path
