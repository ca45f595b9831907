"""The values the registry hands out: Route, Entry, Resolution, Child.

``Route`` is what a discovery source found (a method and a pattern, plus what else
the source knew).  An ``Entry`` is one command made from a route: most routes give
one, a ``GET`` with a trailing optional id gives two (``list`` and ``get``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from explorer.errors import RouteError, UsageError
from explorer.record import Frozen, setfield

if TYPE_CHECKING:
    from explorer.routing import RoutePattern
    from explorer.spec import Operation

#: where a route was learned: a ``/discover`` listing, a routes file, an API description
ORIGINS = ("discover", "routes", "spec")


class Route(Frozen):
    """One route as discovered: ``Route("GET", "/public/v1/instruments/:id?")``.

    ``command`` is an explicit command name (``"instruments list"``) a routes file
    may give; it wins over the derived one.  ``operation_id`` (an OpenAPI
    ``operationId``) names the command when there is no explicit name (see
    :mod:`explorer.registry.naming`).  ``origin`` says where the route was learned
    (:data:`ORIGINS`): the LabOS read conventions (sort, limit, skip, fields, filters)
    belong to ``"discover"`` routes only.  ``operation`` is the spec data of a route
    from an API description (:class:`explorer.spec.Operation`, read on first use);
    it takes no part in equality.  The other fields are carried along for the front
    ends (help texts, request checks); ``max_upload`` is the largest upload the server
    accepts, in bytes (a routes file may say).
    """

    __slots__ = ("body_schema", "command", "max_upload", "method", "operation",
                 "operation_id", "origin", "path", "query_params", "response_schema",
                 "summary", "tags")
    _fields = ("method", "path", "command", "summary", "query_params", "body_schema",
               "response_schema", "max_upload", "origin", "operation_id", "tags")
    _extra = ("operation",)

    def __init__(
        self,
        method: str,
        path: str,
        *,
        command: str | None = None,
        summary: str | None = None,
        query_params: tuple[str, ...] = (),
        body_schema: dict | None = None,
        response_schema: dict | None = None,
        max_upload: int | None = None,
        origin: str | None = None,
        operation_id: str | None = None,
        tags: tuple[str, ...] = (),
        operation: Operation | None = None,
    ) -> None:
        setfield(self, "method", method)
        setfield(self, "path", path)
        setfield(self, "command", command)
        setfield(self, "summary", summary)
        setfield(self, "query_params", query_params)
        setfield(self, "body_schema", body_schema)
        setfield(self, "response_schema", response_schema)
        setfield(self, "max_upload", max_upload)
        setfield(self, "origin", origin)
        setfield(self, "operation_id", operation_id)
        setfield(self, "tags", tags)
        setfield(self, "operation", operation)

    def __hash__(self) -> int:  # the schemas are dicts; equal routes still hash equal
        return hash((self.method, self.path, self.command, self.summary, self.query_params))

    @property
    def request_schema(self) -> Any:
        """The request body's JSON Schema: the spec's, else the routes file's."""
        if self.operation is not None:
            return self.operation.body_schema
        return self.body_schema

    @property
    def declared_query(self) -> tuple[str, ...]:
        """The query parameters the route declares (the spec's or the routes file's)."""
        if self.operation is not None and self.operation.available:
            return self.operation.query_names
        return self.query_params

    @property
    def read_conventions(self) -> bool:
        """True for a GET learned from a LabOS ``/discover`` listing that declares no
        query parameters: it takes sort, limit, skip, fields and filters."""
        return self.origin in (None, "discover") and self.operation is None and (
            self.method.upper() == "GET" and not self.query_params
        )


class Entry:
    """One command of the registry.

    ``command`` is its name as words; ``params`` the path params it takes
    positionally, in order (``required`` of them must be given).  ``pattern`` is
    the pattern this entry serves, parsed on first use: the route's own, except for
    the two halves of a ``GET /x/:id?``, which serve ``/x`` and ``/x/:id``.

    ``action`` is what the route does, set when the registry names it
    (:func:`explorer.registry.naming.action`): ``list``, ``get``, ``create``,
    ``replace``, ``update``, ``delete``, ``post`` or an action word (``kill``),
    whatever the command is called.
    """

    __slots__ = ("_pattern", "_source", "action", "command", "explicit", "method", "params",
                 "required", "route", "shapes")

    def __init__(
        self,
        route: Route,
        *,
        method: str,
        command: tuple[str, ...],
        params: tuple[str, ...],
        required: tuple[str, ...],
        shapes: tuple[int, ...],
        explicit: bool = False,
        action: str,
        pattern: RoutePattern | None = None,
        source: tuple[str, str] | None = None,
    ) -> None:
        self.route = route
        self.method = method
        self.command = command
        self.params = params
        self.required = required
        self.shapes = shapes
        self.explicit = explicit
        self.action = action
        self._pattern = pattern
        self._source = source  # (pattern text, syntax) when it is not the route's

    @property
    def pattern(self) -> RoutePattern:
        if self._pattern is None:
            from explorer.routing import RoutePattern  # parsed on first use (start-up cost)

            if self._source is not None:
                text, syntax = self._source
                self._pattern = RoutePattern.parse(text, syntax=syntax)
            else:
                self._pattern = RoutePattern.parse(self.route.path)
        return self._pattern

    @property
    def name(self) -> str:
        """The command name as typed: ``"instruments commands kill"``."""
        return " ".join(self.command)

    @property
    def usage(self) -> str:
        """``instruments commands kill ID CID`` (optional params in brackets)."""
        args = [
            arg_name(p, self.params) if p in self.required else f"[{arg_name(p, self.params)}]"
            for p in self.params
        ]
        return " ".join([*self.command, *args])

    def path_for(self, args: Sequence[str]) -> str:
        """The concrete, percent-encoded path for positional ``args``."""
        if len(args) < len(self.required) or len(args) > len(self.params):
            raise UsageError(f"usage: {self.usage}")
        try:
            return self.pattern.build(dict(zip(self.params, args, strict=False)))
        except RouteError as exc:
            raise UsageError(f"{self.name}: {exc}") from None

    def _key(self) -> tuple[Any, ...]:
        return (self.route, self.method, self.command, self.params, self.required, self.shapes,
                self.explicit, self.action)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Entry):
            return NotImplemented
        return self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __repr__(self) -> str:
        return f"Entry({self.method} {self.route.path!r} -> {self.usage!r})"


class Resolution(Frozen):
    """What a concrete path resolves to.

    ``entry`` is None when nothing serves that method there; ``allowed`` lists the
    methods that do exist at the path (empty: 404; non-empty without entry: 405).
    """

    __slots__ = ("allowed", "entry", "params")
    _fields = ("entry", "params", "allowed")

    def __init__(self, entry: Entry | None, params: dict, allowed: frozenset[str]) -> None:
        setfield(self, "entry", entry)
        setfield(self, "params", params)
        setfield(self, "allowed", allowed)


class Child(Frozen):
    """What may follow a prefix as the next segment (for completion).

    ``kind`` is ``"literal"`` (``text`` is the literal) or ``"param"`` (``text`` is
    ``":id"``, or the pattern text of a complex segment such as ``":from..:to"``;
    ``name`` is the first param name in it, None if it has none).  ``methods`` and
    ``commands`` belong to the routes that end exactly there.
    """

    __slots__ = ("commands", "has_children", "kind", "methods", "name", "text")
    _fields = ("text", "kind", "name", "methods", "commands", "has_children")

    def __init__(self, text: str, kind: str, name: str | None, methods: frozenset[str],
                 commands: tuple[str, ...], has_children: bool) -> None:
        setfield(self, "text", text)
        setfield(self, "kind", kind)
        setfield(self, "name", name)
        setfield(self, "methods", methods)
        setfield(self, "commands", commands)
        setfield(self, "has_children", has_children)


def arg_name(param: str, params: Sequence[str] = ()) -> str:
    """How a path parameter is shown as an argument: ``id`` -> ``ID``; the unnamed
    capture of an Express 4 ``*`` (``"0"``) -> ``PATH`` (``PATH0``, ``PATH1``… when a
    route has several)."""
    if param.isdigit():
        unnamed = [p for p in params if p.isdigit()]
        return "PATH" if len(unnamed) <= 1 else f"PATH{param}"
    return param.upper()
