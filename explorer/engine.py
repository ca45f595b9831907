"""One request path for every front end.

The shell, one-shot ``call``, the generated commands, ``probe`` and ``replay`` all turn
what the user typed into a :class:`Prepared` request here, and send it through
:meth:`Engine.send`, which is where the recorder sees every exchange.

* ``call METHOD PATH [ITEM...]``: :meth:`Engine.prepare_call`.  A path may carry its
  own ``?query``; it is kept as written.  A full URL is accepted when it is on the
  server's base URL (that part is dropped); a URL elsewhere is a usage error.  A path
  no discovered route serves triggers a refetch of the routes (the server may have
  added it; rate-limited, see :meth:`Discovery.refetch_on_miss`), and is then sent
  anyway with a warning: the server, not the cache, has the last word.  So is a path
  the registry cannot decode (``%C3``): Express would answer it, so the server should.
  No warning for ``HEAD`` where a ``GET`` route is, ``OPTIONS`` where any route is
  (Express answers both), or ``GET /discover`` itself.  Items can be read first
  (:func:`read_items`), so a typo costs no round trip.
* A refetch that changed the routes is handed to every listener of
  :meth:`Engine.subscribe_routes` (the shell rebuilds its completion and says what was
  added and removed).
* The recorder every exchange goes through is set with :meth:`Engine.set_recorder`
  (the shell's ``record start``/``record stop``) and read as :attr:`Engine.recorder`.
* ``WORDS... [ARG...] [ITEM...]``: :meth:`Engine.prepare_command`.  The longest command
  name wins; the next arguments fill the route's path parameters in order; the rest
  are request items.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlsplit

from explorer.client.models import RequestSpec, Response
from explorer.client.urls import display_url
from explorer.errors import DecodeError, UsageError
from explorer.record import Record
from explorer.routing.codec import quote_stray_percents

if TYPE_CHECKING:
    from explorer.discovery.loader import Change
    from explorer.items import RequestItems

#: what may stand in a URL path unencoded (``%`` is kept when it starts an escape)
PATH_SAFE = "/%:@!$&'()*+,;=-._~"
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS")
WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})
#: the actions of a POST that are sent without asking (``Entry.action``): a create, a
#: POST to an item, an upload and a login; any other action word asks first
SAFE_POSTS = frozenset({"create", "post", "upload", "login"})
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://")


def quote_path(path: str) -> str:
    """Encode what cannot appear in a URL path; keep ``/`` and existing ``%XX``."""
    return quote_stray_percents(quote(path, safe=PATH_SAFE))


def check_method(method: str) -> str:
    """``method`` in upper case; UsageError when it is not a word of letters."""
    method = method.upper()
    if not (method.isascii() and method.isalpha()):
        raise UsageError(f"not an HTTP method: {method!r}")
    return method


def read_items(items: Sequence[str], *, method: str) -> RequestItems:
    """Parse request items for ``method`` and read the files they name (ItemError
    with a caret on a typo): no network, so a front end can do it first."""
    from explorer.items import load_file_refs, parse_items

    parsed = parse_items(list(items), method=method)
    load_file_refs(parsed)
    return parsed


class Prepared(Record):
    """A request ready to send, with what the registry knows about it: its ``entry``
    (an :class:`explorer.registry.Entry`, or None), the path ``params``, the methods
    the registry knows at this path (``allowed``; empty when the path is unknown) and
    the request ``items`` as typed (for the carets of :meth:`Engine.check`)."""

    __slots__ = ("allowed", "entry", "items", "params", "spec")
    _fields = ("spec", "entry", "params", "allowed", "items")

    def __init__(self, spec: RequestSpec, entry: Any = None,
                 params: dict[str, Any] | None = None,
                 allowed: frozenset[str] = frozenset(), items: tuple[str, ...] = ()) -> None:
        self.spec = spec
        self.entry = entry
        self.params: dict[str, Any] = {} if params is None else params
        self.allowed = allowed
        self.items = items

    @property
    def max_upload(self) -> int | None:
        return getattr(self.entry.route, "max_upload", None) if self.entry else None

    @property
    def destructive(self) -> bool:
        """DELETE, or a POST to an action route (``.../:cid/kill``), as the registry
        says what the route does (``Entry.action``), whatever its command is called."""
        if self.spec.method == "DELETE":
            return True
        if self.spec.method == "POST" and self.entry is not None:
            return self.entry.action not in SAFE_POSTS
        return False


class Engine:
    def __init__(
        self,
        client,
        discovery=None,
        *,
        warn: Callable[[str], None] = lambda message: None,
        recorder=None,
        on_routes_changed: Callable[[Change], None] | None = None,
    ) -> None:
        self.client = client
        self.discovery = discovery
        self.warn = warn
        self._recorder = recorder
        #: called with the change when a refetch found routes added or removed
        self._route_listeners: list[Callable[[Change], None]] = []
        if on_routes_changed is not None:
            self._route_listeners.append(on_routes_changed)

    @property
    def registry(self):
        return self.discovery.registry if self.discovery else None

    # -- listeners and the recorder ------------------------------------------------------

    def subscribe_routes(self, listener: Callable[[Change], None]) -> None:
        """Call ``listener(change)`` whenever a refetch of this engine changed the
        routes (until :meth:`unsubscribe_routes`)."""
        self._route_listeners.append(listener)

    def unsubscribe_routes(self, listener: Callable[[Change], None]) -> None:
        """Stop calling ``listener`` (one that is not subscribed is no error)."""
        if listener in self._route_listeners:
            self._route_listeners.remove(listener)

    @property
    def recorder(self):
        """The recorder every exchange is teed into, or None."""
        return self._recorder

    def set_recorder(self, recorder):
        """Record every later exchange with ``recorder`` (None: stop recording); returns
        the one it replaces (closing it is the caller's business)."""
        previous, self._recorder = self._recorder, recorder
        return previous

    # -- preparing -----------------------------------------------------------------------

    def prepare_call(
        self,
        method: str,
        path: str,
        items: Sequence[str] = (),
        *,
        parsed: RequestItems | None = None,
        command: str | None = None,
    ) -> Prepared:
        """``call METHOD PATH [ITEM...]``; ``parsed`` are items already read with
        :func:`read_items` (then ``items`` is ignored)."""
        method = check_method(method)
        if _SCHEME.match(path):
            path = self._relative(path)
        raw_path, _, raw_query = path.partition("?")
        if not raw_path.startswith("/"):
            raw_path = "/" + raw_path
        spec = RequestSpec(method, quote_path(raw_path), command=command)
        if raw_query:
            from explorer.items import quote_query

            spec.query.extend(quote_query(c) for c in raw_query.split("&") if c)
        if parsed is None and items:
            parsed = read_items(items, method=method)
        if parsed is not None:
            from explorer.items import apply_items

            apply_items(spec, parsed)
        prepared = Prepared(spec, items=tuple(items))
        self._resolve(prepared)
        return prepared

    def _relative(self, url: str) -> str:
        """The part of ``url`` after the server's base URL (scheme and host compared
        without case and credentials); UsageError for a URL on another server."""
        base_url = self.client.base_url
        base, typed = urlsplit(base_url), urlsplit(url)
        same = (
            typed.scheme.lower() == base.scheme.lower()
            and typed.netloc.rpartition("@")[2].lower() == base.netloc.rpartition("@")[2].lower()
        )
        prefix = base.path.rstrip("/")
        rest = typed.path[len(prefix) :] if typed.path.startswith(prefix) else None
        if not same or rest is None or (rest and not rest.startswith("/")):
            raise UsageError(
                f"{display_url(url)} is not on the server {display_url(base_url)}: give a path "
                "(call GET /path) or choose the server with --url"
            )
        return (rest or "/") + (f"?{typed.query}" if typed.query else "")

    def prepare_command(self, words: Sequence[str], *, command: str | None = None) -> Prepared:
        registry = self.registry
        if registry is None:
            raise UsageError("no routes were discovered, so there are no generated commands")
        try:
            entry, rest = registry.lookup_command(list(words))
        except UsageError:
            # A refetch now, or one another thread just made (the shell's background
            # check after a write), may know the command.
            if not self._refetch() and self.registry is registry:
                raise
            entry, rest = self.registry.lookup_command(list(words))
        required = len(entry.required)
        if len(rest) < required:
            missing = ", ".join(n.upper() for n in entry.required[len(rest) :])
            raise UsageError(f"{entry.name}: missing {missing} (usage: {entry.usage} [ITEM...])")
        # Required parameters are always positional; an optional one takes the next
        # argument only when that argument is not a request item.
        count = required
        while count < len(entry.params) and count < len(rest) and not _is_item(rest[count]):
            count += 1
        args = rest[:count]
        path = entry.path_for(args)
        params = dict(zip(entry.params, args, strict=False))
        spec = RequestSpec(entry.method, path, command=command, route=_route_text(entry))
        self._apply_items(spec, rest[count:])
        return Prepared(spec, entry, params, frozenset({entry.method}), tuple(rest[count:]))

    def _apply_items(self, spec: RequestSpec, items: Sequence[str]) -> None:
        if not items:
            return
        from explorer.items import apply_items

        apply_items(spec, read_items(items, method=spec.method))

    def _resolve(self, prepared: Prepared) -> None:
        registry = self.registry
        if registry is None:
            return
        spec = prepared.spec
        try:
            resolution = registry.resolve(spec.method, spec.path)
        except DecodeError as exc:
            self.warn(f"{spec.path} cannot be matched against the routes ({exc}); sending anyway")
            return
        unknown = resolution.entry is None and not resolution.allowed
        if unknown and self._is_discovery(spec):
            return  # the listing itself: not a route, and no reason to refetch it
        if unknown and (self._refetch() or self.registry is not registry):
            resolution = self.registry.resolve(spec.method, spec.path)
        prepared.allowed = resolution.allowed
        if resolution.entry is not None:
            prepared.entry = resolution.entry
            prepared.params = dict(resolution.params)
            spec.route = _route_text(resolution.entry)
        elif _answered_anyway(spec.method, resolution.allowed):
            return  # HEAD where GET is, OPTIONS where any route is: servers answer both
        elif resolution.allowed:
            self.warn(
                f"{spec.method} is not among the methods discovered for {spec.path} "
                f"({', '.join(sorted(resolution.allowed))}); sending anyway"
            )
        else:
            self.warn(f"no discovered route matches {spec.method} {spec.path}; sending anyway")

    def _is_discovery(self, spec: RequestSpec) -> bool:
        """``GET /discover`` (or the source's own path on the server)."""
        source = getattr(self.discovery, "source", None)
        path = getattr(source, "path", None)
        return (
            spec.method in ("GET", "HEAD")
            and isinstance(path, str)
            and spec.path.rstrip("/") == path.rstrip("/")
        )

    def _refetch(self) -> bool:
        """A refetch of the routes on a miss (see :meth:`Discovery.refetch_on_miss`);
        True when they changed, after every listener of :meth:`subscribe_routes` heard
        of it."""
        change = self.discovery.refetch_on_miss() if self.discovery else None
        if not change:
            return False
        for listener in list(self._route_listeners):
            listener(change)
        return True

    # -- checking ------------------------------------------------------------------------

    def check(self, prepared: Prepared) -> list:
        """What the route's API description says is wrong with the request
        (:func:`explorer.spec.check.check_request`): a list of Problems, empty for a
        route without spec data."""
        entry = prepared.entry
        operation = entry.route.operation if entry is not None else None
        if operation is None:
            return []
        from explorer.spec.check import check_request

        return check_request(operation, prepared.spec, prepared.items, prepared.params)

    def _entry_for(self, spec: RequestSpec):
        """The entry serving a bare request (no registry lookup fails loudly here)."""
        try:
            return self.registry.resolve(spec.method, spec.path).entry
        except (DecodeError, ValueError):
            return None

    # -- sending -------------------------------------------------------------------------

    def send(self, prepared: Prepared | RequestSpec, **kwargs) -> Response:
        if isinstance(prepared, RequestSpec):
            prepared = Prepared(prepared)
        kwargs.setdefault("max_upload", prepared.max_upload)
        entry = prepared.entry
        if entry is None and self.registry is not None and self.registry.has_spec:
            entry = self._entry_for(prepared.spec)  # replay, probe's list reads
        operation = entry.route.operation if entry is not None else None
        if operation is not None and "auth" not in kwargs:
            from explorer.spec.auth import placed

            auth = getattr(self.client, "auth", None)
            where = placed(auth, operation)
            if where is not auth:  # the same secret, where the spec says it goes
                kwargs["auth"] = where
        response = self.client.send(prepared.spec, **kwargs)
        if prepared.spec.method in WRITES and 200 <= response.status < 300:
            note = getattr(self.discovery, "note_write", None)
            if note is not None:
                note()  # the server may have added routes: the next miss asks again
        recorder = self._recorder
        if recorder is not None:
            placed = {"placed": kwargs["auth"]} if "auth" in kwargs else {}
            response = recorder.wrap(prepared.spec, response, on_error=self.warn, **placed)
        return response


def _answered_anyway(method: str, allowed: frozenset[str]) -> bool:
    """HEAD on a path with a GET route, OPTIONS on a path with any route: Express (and
    most frameworks) answer them without a route of their own."""
    return (method == "HEAD" and "GET" in allowed) or (method == "OPTIONS" and bool(allowed))


def _route_text(entry) -> str:
    return f"{entry.method} {entry.route.path}"


def _is_item(arg: str) -> bool:
    from explorer.items import parse_item

    try:
        parse_item(arg)
    except UsageError:
        return False
    return True
