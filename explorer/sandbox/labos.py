"""The LabOS public API (Genie): instruments, their commands and actions, instrument
families, and the endpoint families switched on at run time (labware, samples).

Every object has id, name, description, createdBy, createdAt, updatedBy, updatedAt,
tags and acl.  Lists answer ``{"data": [...]}`` and read ``sort``, ``limit``,
``skip``, ``fields`` and filters (see :mod:`explorer.sandbox.query`); one object reads
``fields`` only.  Writes take a JSON object: create (POST, 201), replace (PUT: the whole
object, 404 for an unknown id; a PUT that changes nothing leaves ``updatedAt`` alone),
update (PATCH: the fields given), delete (204 whether or not it existed).  Read-only
fields (id, createdBy, createdAt, updatedBy, updatedAt) are ignored in bodies; any other
unknown field, or a wrong type, is a 400.

Commands: ``POST .../instruments/:id/commands {"action": "prime", "params": {...}}``
creates a ``queued`` command for an action the instrument has (400 otherwise);
``POST .../commands/:cid/kill`` sets it ``killed`` (200; a ``done`` command: 409).

Actions live inside their instrument (``actions``, read also through
``.../instruments/:id/actions/:aid?``) and are full objects too: id, name (the action
word unless given), description, createdBy, createdAt, updatedBy, updatedAt, tags, acl,
beside ``action`` and ``params``.  A body's ``actions`` list replaces the old one; an
action given again (same id, or same action word when no id) keeps its id and creation
stamps, and its update stamps too when nothing in it changed.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from explorer.sandbox import query, seed
from explorer.sandbox import validate as v
from explorer.sandbox.routing import Router
from explorer.sandbox.store import Store
from explorer.sandbox.wire import ApiError, Reply, Request

PREFIX = "/public/v1"
BODY_LIMIT = 1024 * 1024
READ_ONLY = ("id", "createdBy", "createdAt", "updatedBy", "updatedAt")
COMMON: dict[str, v.Checker] = {
    "name": v.name,
    "description": v.optional(v.string),
    "tags": v.strings,
    "acl": v.obj,
}


ACTION_FIELDS: dict[str, v.Checker] = {
    "id": v.string,
    **COMMON,
    "action": v.name,
    "params": v.obj,
}


def _action(value: Any, where: str) -> dict[str, Any]:
    body = v.check_body(
        v.obj(value, where),
        ACTION_FIELDS,
        required=("action",),
        ignored=READ_ONLY,
        where=where,
    )
    body.setdefault("params", {})
    return body


@dataclass(frozen=True)
class Kind:
    """One LabOS collection."""

    kind: str
    label: str
    collection: str
    fields: dict[str, v.Checker]
    defaults: dict[str, Any] = field(default_factory=dict)
    #: fields the server sets (listed for queries, refused in bodies)
    server_fields: tuple[str, ...] = ()
    family: str | None = None
    writable: bool = True

    @property
    def known(self) -> frozenset[str]:
        return frozenset((*READ_ONLY, *self.fields, *self.server_fields))

    def not_found(self, doc_id: str) -> ApiError:
        return ApiError(404, f"{self.label} {doc_id!r} not found")


INSTRUMENT = Kind(
    "instrument",
    "Instrument",
    "instruments",
    {
        **COMMON,
        "family": v.optional(v.string),
        "status": v.name,
        "slots": v.count,
        "actions": v.list_of(_action),
    },
    defaults={"family": None, "status": "idle", "slots": 1, "actions": []},
)
FAMILY = Kind("family", "Family", "families", dict(COMMON), writable=False)
COMMAND = Kind(
    "command",
    "Command",
    "commands",
    {**COMMON, "action": v.name, "params": v.obj},
    server_fields=("status", "instrumentId"),
)
ACTION = Kind("action", "Action", "actions", {**COMMON, "action": v.name, "params": v.obj})
LABWARE = Kind(
    "labware",
    "Labware",
    "labware",
    {**COMMON, "format": v.string, "wells": v.count},
    defaults={"format": "96-well plate", "wells": 96},
    family="labware",
)
SAMPLE = Kind(
    "sample",
    "Sample",
    "samples",
    {**COMMON, "barcode": v.string, "volume": v.number},
    defaults={"barcode": "", "volume": 0},
    family="samples",
)
#: the endpoint families that can be switched on while the server runs
ENDPOINT_FAMILIES = {k.family: k for k in (LABWARE, SAMPLE) if k.family}
#: the collections ``@Name`` references look in
NAMED = (FAMILY, INSTRUMENT, COMMAND, LABWARE, SAMPLE)


class LabOS:
    """The LabOS handlers over one store."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def register(self, router: Router) -> None:
        self._collection(router, INSTRUMENT)
        base = f"{PREFIX}/instruments/:id"
        router.add("GET", f"{base}/commands/:cid?", self.get_commands)
        router.add("POST", f"{base}/commands", self.create_command)
        router.add("POST", f"{base}/commands/:cid/kill", self.kill_command)
        router.add("GET", f"{base}/actions/:aid?", self.get_actions)
        for kind in (FAMILY, LABWARE, SAMPLE):
            self._collection(router, kind)

    def _collection(self, router: Router, kind: Kind) -> None:
        path = f"{PREFIX}/{kind.collection}"
        family = {"family": kind.family}
        router.add("GET", f"{path}/:id?", functools.partial(self.read, kind), **family)
        if not kind.writable:
            return
        router.add("POST", path, functools.partial(self.create, kind), **family)
        router.add("PUT", f"{path}/:id", functools.partial(self.replace, kind), **family)
        router.add("PATCH", f"{path}/:id", functools.partial(self.update, kind), **family)
        router.add("DELETE", f"{path}/:id", functools.partial(self.delete, kind), **family)

    # ------------------------------------------------------------------- helpers

    def resolver(self) -> Callable[[str], set[str]]:
        """``@Name`` -> the ids of LabOS objects with that name (cached per request)."""

        @functools.cache
        def resolve(name: str) -> set[str]:
            return {d["id"] for k in NAMED for d in self.store.all(k.kind) if d.get("name") == name}

        return resolve

    def _list(self, kind: Kind, request: Request, docs: list[dict[str, Any]]) -> Reply:
        parsed = query.parse(request.query, known=kind.known)
        return Reply(200, {"data": query.apply(parsed, docs, resolve=self.resolver())})

    def _one(self, kind: Kind, request: Request, doc: dict[str, Any]) -> Reply:
        parsed = query.parse(request.query, known=kind.known)
        if parsed.fields is not None:
            doc = query.project(doc, parsed.fields)
        return Reply(200, doc)

    def _load(self, kind: Kind, doc_id: str) -> dict[str, Any]:
        doc = self.store.get(kind.kind, doc_id)
        if doc is None:
            raise kind.not_found(doc_id)
        return doc

    def _checked(self, kind: Kind, body: dict[str, Any], *, full: bool) -> dict[str, Any]:
        fields = v.check_body(
            body, kind.fields, required=("name",) if full else (), ignored=READ_ONLY
        )
        if fields.get("family") is not None and self.store.get("family", fields["family"]) is None:
            raise ApiError(400, f"family: no instrument family with id {fields['family']!r}")
        return fields

    @staticmethod
    def _stamp(doc: dict[str, Any], user: str | None, *, created: bool, now: str) -> None:
        if created:
            doc["createdBy"], doc["createdAt"] = user, now
        doc["updatedBy"], doc["updatedAt"] = user, now

    @staticmethod
    def _new(kind: Kind, user: str | None) -> dict[str, Any]:
        return {
            "id": seed.new_oid(),
            "name": "",
            "description": "",
            "createdBy": user,
            "createdAt": "",
            "updatedBy": user,
            "updatedAt": "",
            "tags": [],
            "acl": {"owner": user, "read": ["*"], "write": [user]},
            **{k: (list(d) if isinstance(d, list) else d) for k, d in kind.defaults.items()},
        }

    # ------------------------------------------------------------------ handlers

    def read(self, kind: Kind, request: Request) -> Reply:
        doc_id = request.params.get("id")
        if doc_id is None:
            return self._list(kind, request, self.store.all(kind.kind))
        return self._one(kind, request, self._load(kind, doc_id))

    def create(self, kind: Kind, request: Request) -> Reply:
        fields = self._checked(kind, request.json_object(limit=BODY_LIMIT), full=True)
        doc = self._new(kind, request.user)
        now = seed.now_iso()  # one instant for the object and its actions
        _complete_actions(fields, {}, request.user, now)
        doc.update(fields)
        self._stamp(doc, request.user, created=True, now=now)
        self.store.insert(kind.kind, doc)
        location = f"{PREFIX}/{kind.collection}/{doc['id']}"
        return Reply(201, doc, {"Location": location})

    def replace(self, kind: Kind, request: Request) -> Reply:
        fields = self._checked(kind, request.json_object(limit=BODY_LIMIT), full=True)
        with self.store.atomic():
            old = self._load(kind, request.params["id"])
            doc = self._new(kind, request.user)
            for key in ("id", "createdBy", "createdAt", "updatedBy", "updatedAt"):
                doc[key] = old[key]
            now = seed.now_iso()
            _complete_actions(fields, old, request.user, now)
            doc.update(fields)
            if doc != old:
                self._stamp(doc, request.user, created=False, now=now)
                self.store.replace(kind.kind, doc)
        return Reply(200, doc)

    def update(self, kind: Kind, request: Request) -> Reply:
        fields = self._checked(kind, request.json_object(limit=BODY_LIMIT), full=False)
        with self.store.atomic():
            old = self._load(kind, request.params["id"])
            now = seed.now_iso()
            _complete_actions(fields, old, request.user, now)
            doc = {**old, **fields}
            if doc != old:
                self._stamp(doc, request.user, created=False, now=now)
                self.store.replace(kind.kind, doc)
        return Reply(200, doc)

    def delete(self, kind: Kind, request: Request) -> Reply:
        doc_id = request.params["id"]
        with self.store.atomic():
            self.store.delete(kind.kind, doc_id)
            if kind is INSTRUMENT:
                for command in self.store.all("command"):
                    if command.get("instrumentId") == doc_id:
                        self.store.delete("command", command["id"])
        return Reply(204)

    def _commands(self, instrument_id: str) -> list[dict[str, Any]]:
        return [c for c in self.store.all("command") if c.get("instrumentId") == instrument_id]

    def _command(self, request: Request) -> dict[str, Any]:
        self._load(INSTRUMENT, request.params["id"])
        command = self.store.get("command", request.params["cid"])
        if command is None or command.get("instrumentId") != request.params["id"]:
            raise COMMAND.not_found(request.params["cid"])
        return command

    def get_commands(self, request: Request) -> Reply:
        if request.params.get("cid") is None:
            self._load(INSTRUMENT, request.params["id"])
            return self._list(COMMAND, request, self._commands(request.params["id"]))
        return self._one(COMMAND, request, self._command(request))

    def create_command(self, request: Request) -> Reply:
        body = request.json_object(limit=BODY_LIMIT)
        fields = v.check_body(body, COMMAND.fields, required=("action",), ignored=READ_ONLY)
        instrument = self._load(INSTRUMENT, request.params["id"])
        actions = {a["action"]: a for a in instrument.get("actions", [])}
        action = actions.get(fields["action"])
        if action is None:
            raise ApiError(
                400,
                f"Instrument {instrument['id']!r} has no action {fields['action']!r}",
                details="actions: " + (", ".join(actions) or "none"),
            )
        doc = self._new(COMMAND, request.user)
        doc.update(name=fields["action"], params=dict(action.get("params", {})))
        doc.update(fields)
        doc.update(status="queued", instrumentId=instrument["id"])
        self._stamp(doc, request.user, created=True, now=seed.now_iso())
        self.store.insert("command", doc)
        location = f"{PREFIX}/instruments/{instrument['id']}/commands/{doc['id']}"
        return Reply(201, doc, {"Location": location})

    def kill_command(self, request: Request) -> Reply:
        request.json(limit=BODY_LIMIT, allow_empty=True)
        with self.store.atomic():
            command = self._command(request)
            if command["status"] == "done":
                raise ApiError(409, f"Command {command['id']!r} is already done")
            if command["status"] != "killed":
                command["status"] = "killed"
                self._stamp(command, request.user, created=False, now=seed.now_iso())
                self.store.replace("command", command)
        return Reply(200, command)

    def get_actions(self, request: Request) -> Reply:
        instrument = self._load(INSTRUMENT, request.params["id"])
        actions = instrument.get("actions", [])
        aid = request.params.get("aid")
        if aid is None:
            return self._list(ACTION, request, actions)
        for action in actions:
            if action.get("id") == aid:
                return self._one(ACTION, request, action)
        raise ACTION.not_found(aid)


def _complete_actions(
    fields: dict[str, Any], old: dict[str, Any], user: str | None, now: str
) -> None:
    """Make each action in ``fields`` a full object (see the module docstring), stamped
    ``now`` (the instant of the write, the object's own stamp too)."""
    if "actions" not in fields:
        return
    before = old.get("actions", ())
    by_id = {a.get("id"): a for a in before}
    by_word: dict[Any, dict[str, Any]] = {}
    for action in before:
        by_word.setdefault(action.get("action"), action)
    done = []
    for given in fields["actions"]:
        prev = by_id.get(given["id"]) if given.get("id") else by_word.get(given["action"])
        doc = {
            "id": given.get("id") or (prev["id"] if prev else seed.new_oid()),
            "name": given.get("name") or given["action"],
            "description": given.get("description", ""),
            "createdBy": prev.get("createdBy") if prev else user,
            "createdAt": prev.get("createdAt") if prev else now,
            "updatedBy": user,
            "updatedAt": now,
            "tags": given.get("tags", []),
            "acl": given.get("acl", {"owner": user, "read": ["*"], "write": [user]}),
            "action": given["action"],
            "params": given["params"],
        }
        if prev is not None and all(doc[k] == prev.get(k) for k in _ACTION_DATA):
            doc["updatedBy"], doc["updatedAt"] = prev.get("updatedBy"), prev.get("updatedAt")
        done.append(doc)
    fields["actions"] = done


#: what a client can change in an action (a change moves its updatedAt)
_ACTION_DATA = ("id", "name", "description", "tags", "acl", "action", "params")
