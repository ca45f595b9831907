"""The Labstep API, modelled on its published examples and its Python SDK (``labstep``).

* ``POST /public-api/user/login {"username", "password"}`` -> the user with ``api_key``
  (wrong credentials: 401).
* ``/api/generic/{protocol,experiment}``: ``GET`` lists ``{"items", "total",
  "next_cursor"}``: ``cursor=-1`` starts, ``next_cursor`` is the string ``"-1"`` at the
  end (other cursors are opaque strings: the offset of the next page).  ``count`` is
  1..50 (more is clamped to 50, as the SDK asks for up to 1000 and follows ``total``);
  ``search_query`` matches names (case-insensitive); ``is_deleted`` is ``0`` (default:
  live items only), ``1`` (deleted only) or ``both``; ``sort`` is ``id``, ``name``,
  ``created_at`` or ``updated_at``, ``-`` for descending (default ``id``, so pages stay
  stable while items are added).  Other parameters are ignored, as the SDK sends
  extra ones.  ``POST`` creates (200, like Labstep), ``PUT .../{id}`` edits the fields
  given; ``{"deleted_at": "<ISO time>"}`` soft-deletes and ``null`` restores.
  ``GET .../{id}`` answers soft-deleted items too (the SDK asks ``is_deleted=both``).
* Ids sent in bodies and form fields (``protocol_id``, ``experiment_id``, ``group_id``)
  are whole numbers or the same numbers as strings of digits (``"protocol_id": "2522"``,
  as Labstep's ``create-experiment.py`` sends it); answers always hold numbers.
* ``POST /api/generic/file/upload``: ``multipart/form-data`` with a ``file`` part (and
  optionally ``experiment_id``) -> ``{"<id>": {"id", "name", "path", "size",
  "mime_type", "created_at", ...}}``.  Over 25 MB: 413 and nothing stored.  The part
  is streamed to a temporary file in the storage directory and renamed on success,
  under a generated name; the client's file name is only metadata.
"""

from __future__ import annotations

import functools
import mimetypes
import os
import re
import secrets
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from explorer.sandbox import seed
from explorer.sandbox import validate as v
from explorer.sandbox.multipart import MultipartReader, boundary_of
from explorer.sandbox.routing import LABSTEP, PUBLIC, Router
from explorer.sandbox.store import Store
from explorer.sandbox.wire import ApiError, Reply, Request, query_pairs

BODY_LIMIT = 1024 * 1024
UPLOAD_LIMIT = 25 * 1024 * 1024
#: room for the multipart heads and form fields around the file
UPLOAD_SLACK = 256 * 1024
FIELD_LIMIT = 64 * 1024
MAX_COUNT = 50
READ_ONLY = ("id", "created_at", "updated_at", "author")
_SAFE_EXT = re.compile(r"\.[A-Za-z0-9]{1,10}")


def _time(value: Any, where: str) -> str:
    text = v.string(value, where)
    try:
        datetime.fromisoformat(text)
    except ValueError as exc:
        raise ApiError(400, f"{where}: expected an ISO 8601 time, got {text!r}") from exc
    return text


FIELDS: dict[str, dict[str, v.Checker]] = {
    "protocol": {
        "name": v.name,
        "description": v.optional(v.string),
        "deleted_at": v.optional(_time),
    },
    "experiment": {
        "name": v.name,
        "description": v.optional(v.string),
        "protocol_id": v.optional(v.identifier),
        "deleted_at": v.optional(_time),
    },
}
SORTS = ("id", "name", "created_at", "updated_at")


@dataclass
class Account:
    """The demo user: who may log in, and the key that login gives."""

    username: str
    password: str
    api_key: str

    def user(self) -> dict[str, Any]:
        return {
            "id": 1,
            "username": self.username,
            "email": self.username,
            "first_name": "Demo",
            "last_name": "User",
            "api_key": self.api_key,
            "created_at": seed.labstep_time(seed.BASE),
            "is_signed_up": True,
        }


class Labstep:
    """The Labstep handlers over one store, one account and a storage directory."""

    def __init__(self, store: Store, account: Account, storage: Path) -> None:
        self.store = store
        self.account = account
        self.storage = storage

    def register(self, router: Router) -> None:
        router.add("POST", "/public-api/user/login", self.login, auth=PUBLIC, discover=False)
        api = {"auth": LABSTEP, "discover": False}
        router.add("POST", "/api/generic/file/upload", self.upload, **api)
        router.add("GET", "/api/generic/file/:id", self.get_file, **api)
        for entity in FIELDS:
            base = f"/api/generic/{entity}"
            router.add("GET", base, functools.partial(self.list, entity), **api)
            router.add("POST", base, functools.partial(self.create, entity), **api)
            router.add("GET", f"{base}/:id", functools.partial(self.get, entity), **api)
            router.add("PUT", f"{base}/:id", functools.partial(self.edit, entity), **api)

    # ----------------------------------------------------------------------- login

    def login(self, request: Request) -> Reply:
        body = v.check_body(
            request.json_object(limit=BODY_LIMIT),
            {"username": v.string, "password": v.string},
            required=("username", "password"),
        )
        good_user = secrets.compare_digest(
            body["username"].encode().lower(), self.account.username.encode().lower()
        )
        good_password = secrets.compare_digest(
            body["password"].encode(), self.account.password.encode()
        )
        if not (good_user and good_password):
            raise ApiError(401, "invalid username or password")
        return Reply(200, self.account.user())

    # -------------------------------------------------------------------- entities

    def _author(self) -> dict[str, Any]:
        author = seed.labstep_author()
        author["username"] = self.account.username
        return author

    def _load(self, entity: str, raw_id: str) -> dict[str, Any]:
        doc = self.store.get(entity, raw_id) if raw_id.isascii() and raw_id.isdigit() else None
        if doc is None:
            raise ApiError(404, f"{entity.capitalize()} {raw_id!r} not found")
        return doc

    def _check(self, entity: str, body: dict[str, Any], *, create: bool) -> dict[str, Any]:
        fields = v.check_body(body, FIELDS[entity], ignored=READ_ONLY)
        if create and "deleted_at" in fields:
            raise ApiError(400, "deleted_at cannot be set when creating")
        protocol = fields.get("protocol_id")
        if protocol is not None and self.store.get("protocol", str(protocol)) is None:
            raise ApiError(404, f"Protocol {str(protocol)!r} not found")
        return fields

    def list(self, entity: str, request: Request) -> Reply:
        params = dict(query_pairs(request.query))
        count = _whole(params.get("count", str(MAX_COUNT)), "count", minimum=1)
        count = min(count, MAX_COUNT)
        cursor_text = params.get("cursor", "-1")
        start = 0 if cursor_text == "-1" else _whole(cursor_text, "cursor", minimum=0)
        deleted = params.get("is_deleted", "0")
        if deleted not in ("0", "1", "both", "false", "true"):
            raise ApiError(400, f"is_deleted must be 0, 1 or both, not {deleted!r}")
        sort = params.get("sort", "id")
        if sort.lstrip("-") not in SORTS:
            raise ApiError(400, f"cannot sort by {sort!r}", details="sort: " + ", ".join(SORTS))
        items = self.store.all(entity)
        if deleted in ("0", "false"):
            items = [i for i in items if not i.get("deleted_at")]
        elif deleted in ("1", "true"):
            items = [i for i in items if i.get("deleted_at")]
        search = params.get("search_query", "").casefold()
        if search:
            items = [i for i in items if search in str(i.get("name", "")).casefold()]
        key = sort.lstrip("-")
        items.sort(key=lambda i: (_sortable(i.get(key)), i["id"]))
        if sort.startswith("-"):
            items.reverse()
        page = items[start : start + count]
        following = start + len(page)
        next_cursor = str(following) if page and following < len(items) else "-1"
        return Reply(200, {"items": page, "total": len(items), "next_cursor": next_cursor})

    def get(self, entity: str, request: Request) -> Reply:
        return Reply(200, self._load(entity, request.params["id"]))

    def create(self, entity: str, request: Request) -> Reply:
        fields = self._check(entity, request.json_object(limit=BODY_LIMIT), create=True)
        now = seed.now_labstep()
        doc: dict[str, Any] = {
            "id": self.store.next_number(entity),
            "name": f"Untitled {entity}",
            "description": None,
            **({"protocol_id": None} if entity == "experiment" else {}),
            "created_at": now,
            "updated_at": now,
            "deleted_at": None,
            "author": self._author(),
        }
        doc.update(fields)
        self.store.insert(entity, doc)
        return Reply(200, doc)

    def edit(self, entity: str, request: Request) -> Reply:
        fields = self._check(entity, request.json_object(limit=BODY_LIMIT), create=False)
        with self.store.atomic():
            doc = self._load(entity, request.params["id"])
            doc.update(fields)
            doc["updated_at"] = seed.now_labstep()
            self.store.replace(entity, doc)
        return Reply(200, doc)

    # ----------------------------------------------------------------------- files

    def get_file(self, request: Request) -> Reply:
        return Reply(200, self._load("file", request.params["id"]))

    def upload(self, request: Request) -> Reply:
        declared = request.content_length
        if declared is not None and declared > UPLOAD_LIMIT + UPLOAD_SLACK:
            raise _too_large()
        boundary = boundary_of(request.headers.get("Content-Type"))
        total = 0

        def read(size: int) -> bytes:
            nonlocal total
            data = request.read_body(size)
            total += len(data)
            if total > UPLOAD_LIMIT + UPLOAD_SLACK:
                raise _too_large()
            return data

        self.storage.mkdir(parents=True, exist_ok=True)
        reader = MultipartReader(read, boundary)
        received: list[tuple[str, str | None, Path, int]] = []
        form: dict[str, str] = {}
        try:
            while (part := reader.next_part()) is not None:
                if part.filename is None:
                    form[part.name] = _field(reader, part.name)
                    continue
                if part.name != "file":
                    raise ApiError(400, f"unexpected file field {part.name!r} (send it as 'file')")
                temp = self.storage / f".upload-{secrets.token_hex(8)}.part"
                received.append((part.filename, part.content_type, temp, 0))
                size = 0
                with open(temp, "xb") as out:
                    for chunk in reader.chunks():
                        size += len(chunk)
                        if size > UPLOAD_LIMIT:
                            raise _too_large()
                        out.write(chunk)
                received[-1] = (part.filename, part.content_type, temp, size)
            return Reply(200, self._store_files(received, form))
        finally:
            for _, _, temp, _ in received:
                temp.unlink(missing_ok=True)

    def _store_files(
        self, received: list[tuple[str, str | None, Path, int]], form: dict[str, str]
    ) -> dict[str, Any]:
        unknown = sorted(set(form) - {"experiment_id", "group_id"})
        if unknown:
            allowed = "allowed: experiment_id, group_id"
            raise ApiError(400, f"unknown form field {unknown[0]!r}", details=allowed)
        if not received:
            raise ApiError(400, "no 'file' part in the upload")
        experiment_id = None
        if form.get("experiment_id"):
            experiment_id = v.identifier(form["experiment_id"], "experiment_id")
            self._load("experiment", str(experiment_id))
        if form.get("group_id"):
            v.identifier(form["group_id"], "group_id")
        answer: dict[str, Any] = {}
        for client_name, mime, temp, size in received:
            name = safe_name(client_name)
            ext = os.path.splitext(name)[1]
            file_id = self.store.next_number("file")
            stored = f"{file_id}-{secrets.token_hex(8)}{ext if _SAFE_EXT.fullmatch(ext) else ''}"
            os.replace(temp, self.storage / stored)
            doc = {
                "id": file_id,
                "name": name,
                "path": stored,
                "size": size,
                "mime_type": _mime(mime, name),
                "created_at": seed.now_labstep(),
                "deleted_at": None,
                "experiment_id": experiment_id,
                "author": self._author(),
            }
            self.store.insert("file", doc)
            answer[str(file_id)] = doc
        return answer


def safe_name(client_name: str) -> str:
    """The last component of a client's file name, without control characters."""
    name = client_name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(c for c in name if c.isprintable()).strip()
    return name if name not in ("", ".", "..") else "upload"


def _mime(given: str | None, name: str) -> str:
    if given and given.split(";")[0].strip() not in ("", "application/octet-stream"):
        return given
    return mimetypes.guess_type(name)[0] or given or "application/octet-stream"


def _field(reader: MultipartReader, name: str) -> str:
    data = bytearray()
    for chunk in reader.chunks():
        data += chunk
        if len(data) > FIELD_LIMIT:
            raise ApiError(400, f"form field {name!r} is over {FIELD_LIMIT} bytes")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ApiError(400, f"form field {name!r} is not UTF-8") from exc


def _sortable(value: Any) -> tuple[int, Any]:
    if value is None:
        return (0, 0)
    if isinstance(value, int):
        return (1, value)
    return (2, str(value))


def _whole(text: str, name: str, *, minimum: int) -> int:
    if not text.isascii() or not text.isdigit() or len(text) > 12 or int(text) < minimum:
        raise ApiError(400, f"{name} must be a whole number >= {minimum}, not {text!r}")
    return int(text)


def _too_large() -> ApiError:
    return ApiError(413, f"the file is over the {UPLOAD_LIMIT // (1024 * 1024)} MB upload limit")
