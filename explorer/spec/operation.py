"""What an API description says about one operation, as explorer keeps it.

An :class:`Operation` is a route's spec data: its parameters (path, query, header,
cookie), its request body, its response schemas by status, and the auth it needs,
all in the compact form of :mod:`explorer.spec.schema`.  Its data is a plain JSON
object (one per route in the discovery cache, read on first use), so a start that
never looks at a route's parameters never decodes them::

    {"params": [{"name": "owner", "in": "path", "required": true,
                 "schema": {"type": "string"}, "description": "The account owner."}],
     "body": {"media": "application/json", "required": true, "schema": {...}},
     "responses": {"200": {"$ref": "#/$defs/full-repository"}, "404": null},
     "security": [[{"type": "bearer", "scheme": "token"}]],
     "summary": "Get a repository", "deprecated": false}

Shared schemas (``#/$defs/NAME``) live in the :class:`SpecDocument`, with the
document's title and its tags' descriptions; they too can be loaded one by one.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from explorer.spec import schema as sch

LOCATIONS = ("path", "query", "header", "cookie")


class SpecDocument:
    """Document-wide facts: shared schemas by name, title, tag descriptions.

    ``defs`` may be a dict, or ``load_def(name)`` a function reading one schema on
    demand (the discovery cache); ``info`` likewise.
    """

    def __init__(
        self,
        *,
        defs: dict[str, Any] | None = None,
        info: dict[str, Any] | None = None,
        load_def: Callable[[str], Any] | None = None,
        load_info: Callable[[], dict] | None = None,
    ) -> None:
        self._defs = defs if defs is not None else {}
        self._info = info
        self._load_def = load_def
        self._load_info = load_info

    def definition(self, name: str) -> Any:
        """The shared schema ``name`` (None when the document has none by that name)."""
        if name in self._defs:
            return self._defs[name]
        if self._load_def is None:
            return None
        found = self._load_def(name)
        self._defs[name] = found
        return found

    @property
    def defs(self) -> dict[str, Any]:
        """Every shared schema known so far (all of them for a document just read)."""
        return self._defs

    @property
    def info(self) -> dict[str, Any]:
        if self._info is None:
            self._info = (self._load_info() if self._load_info else None) or {}
        return self._info

    def tag_description(self, tag: str) -> str | None:
        tags = self.info.get("tags")
        found = tags.get(tag) if isinstance(tags, dict) else None
        return found if isinstance(found, str) else None


class Operation:
    """One operation's spec data (see the module docstring), loaded on first use."""

    __slots__ = ("_data", "_load", "document")

    def __init__(
        self,
        data: dict | None = None,
        *,
        document: SpecDocument | None = None,
        load: Callable[[], dict | None] | None = None,
    ) -> None:
        self._data = data
        self._load = load
        self.document = document or SpecDocument()

    @property
    def data(self) -> dict:
        if self._data is None:
            loaded = self._load() if self._load is not None else None
            self._data = loaded if isinstance(loaded, dict) else {}
        return self._data

    @property
    def available(self) -> bool:
        """False when the cached data could not be read (then nothing is known)."""
        return bool(self.data) or self._load is None

    def lookup(self, name: str) -> Any:
        return self.document.definition(name)

    # -- parameters --------------------------------------------------------------------

    @property
    def parameters(self) -> list[dict]:
        params = self.data.get("params")
        return [p for p in params if isinstance(p, dict)] if isinstance(params, list) else []

    def params_in(self, location: str) -> list[dict]:
        return [p for p in self.parameters if p.get("in") == location]

    def param(self, location: str, name: str) -> dict | None:
        fold = location == "header"
        for p in self.params_in(location):
            pname = p.get("name")
            if pname == name or (fold and isinstance(pname, str) and pname.lower() == name.lower()):
                return p
        return None

    @property
    def query_names(self) -> tuple[str, ...]:
        return tuple(p["name"] for p in self.params_in("query") if isinstance(p.get("name"), str))

    # -- body and answers --------------------------------------------------------------

    @property
    def body(self) -> dict | None:
        body = self.data.get("body")
        return body if isinstance(body, dict) else None

    @property
    def body_schema(self) -> Any:
        body = self.body
        return body.get("schema") if body else None

    @property
    def form_body(self) -> bool:
        body = self.body
        media = body.get("media", "") if body else ""
        return isinstance(media, str) and ("form" in media)

    @property
    def responses(self) -> dict[str, Any]:
        found = self.data.get("responses")
        return found if isinstance(found, dict) else {}

    def response_schema(self, status: int) -> tuple[bool, Any]:
        """``(declared, schema)`` for an answer's status: the exact code, else its
        range (``2XX``), else ``default``.  ``declared`` is False when the spec says
        nothing about that status; ``schema`` is None when it declares no JSON body."""
        responses = self.responses
        for key in (str(status), f"{str(status)[:1]}XX", f"{str(status)[:1]}xx", "default"):
            if key in responses:
                return True, responses[key]
        return False, None

    # -- the rest ----------------------------------------------------------------------

    @property
    def security(self) -> list[list[dict]] | None:
        """The alternatives of auth this operation accepts (each a list of schemes
        used together); ``[]`` when it needs none, None when the spec does not say."""
        found = self.data.get("security")
        return found if isinstance(found, list) else None

    @property
    def summary(self) -> str | None:
        found = self.data.get("summary")
        return found if isinstance(found, str) else None

    @property
    def deprecated(self) -> bool:
        return self.data.get("deprecated") is True

    def view(self, schema: Any) -> sch.View:
        return sch.view(schema, self.lookup)

    def type_text(self, schema: Any) -> str:
        return sch.type_text(schema, self.lookup)

    def body_fields(self) -> list[sch.Field]:
        schema = self.body_schema
        return list(sch.fields(schema, self.lookup)) if schema is not None else []

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Operation):
            return NotImplemented
        return self.data == other.data

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"Operation({len(self.parameters)} params, body={self.body is not None})"
