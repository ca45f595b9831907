"""Registry: every discovered route, as a trie for matching and as commands.

Built once per route listing::

    reg = Registry(routes, on_warning=print)   # bad routes: one warning line each
    reg.resolve("GET", "/public/v1/instruments/abc")   # Resolution(entry, params, allowed)
    reg.children("/public/v1/instruments/abc/")        # completion of the next segment
    reg.lookup_command(["instruments", "get", "abc"])  # (entry, ["abc"])

Matching follows Express 4 defaults: literals compare case-insensitively, one
optional trailing ``/``, a param needs a non-empty segment (``//`` never matches
one), nothing is decoded before matching (``%2F`` stays inside its segment) and
param values come back decoded; a malformed ``%`` raises DecodeError (Express: 400).
Among matches a literal edge beats a param edge, a param edge beats a complex
segment, and among equals the route registered first wins.  ``HEAD`` falls back to
``GET`` (and is allowed wherever ``GET`` is).  A path that does not start with
``/`` is read as if it did; its ``?query`` and ``#fragment`` are ignored.

Patterns made only of literal and plain param segments, whose shapes differ in
length, are matched by the trie alone; any other pattern is confirmed (and its
params taken) through :meth:`RoutePattern.match`.  Command names: see
:mod:`explorer.registry.naming`.

:meth:`dump` gives a JSON-serialisable index for the discovery cache: the route and
entry rows and the trie as JSON text (decoded on first use), the entries' methods
and command names as plain lists (enough for command lookup and completion), so
:meth:`Registry.load` costs next to nothing and parses no pattern.  A dump of
another version raises :class:`RouteIndexError`.  Treat it as read-only.
"""

from __future__ import annotations

import bisect
import gc
import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from explorer.errors import DiscoveryError, RouteError, UsageError
from explorer.hashing import sha256
from explorer.registry import naming, serial, trie
from explorer.registry.model import Child, Entry, Resolution, Route
from explorer.routing import Literal, Param, Shape, decode_component

if TYPE_CHECKING:
    from explorer.routing import RoutePattern

#: every method Node's HTTP parser knows (``http.METHODS``)
METHODS = frozenset((
    "ACL", "BIND", "CHECKOUT", "CONNECT", "COPY", "DELETE", "GET", "HEAD", "LINK", "LOCK",
    "M-SEARCH", "MERGE", "MKACTIVITY", "MKCALENDAR", "MKCOL", "MOVE", "NOTIFY", "OPTIONS",
    "PATCH", "POST", "PROPFIND", "PROPPATCH", "PURGE", "PUT", "QUERY", "REBIND", "REPORT",
    "SEARCH", "SOURCE", "SUBSCRIBE", "TRACE", "UNBIND", "UNLINK", "UNLOCK", "UNSUBSCRIBE",
))
FORMAT = "explorer-registry"
VERSION = 8
MAX_SEGMENTS = 200
_CHILDREN_CACHE = 256
#: how many command groups an unknown command's error names when nothing is close
GROUPS_SHOWN = 8

# entry row fields (a row is a list, so that it is its own JSON form)
(_ROUTE, _METHOD, _WORDS, _PARAMS, _REQUIRED, _NAMES, _EXACT, _SHAPES, _EXPLICIT,
 _SHAPE_NAMES, _SOURCE, _ACTION) = range(12)


class RouteIndexError(DiscoveryError, ValueError):
    """A dumped route index that :meth:`Registry.load` cannot use (stale or damaged)."""


class Registry:
    """The routes of one server: a trie of path segments plus command names."""

    def __init__(
        self,
        routes: Iterable[Route] = (),
        *,
        on_warning: Callable[[str], None] | None = None,
    ) -> None:
        self._warn = on_warning or _ignore
        self._patterns: dict[int, RoutePattern] = {}
        self._route_rows: list[Any] = []
        self._entry_rows: list[Any] = []
        self._methods: list[str] | None = []  # per entry: naming needs no row decoded
        self._names: list[str] | None = []
        self._prefix: list[str] = []
        self._trie: trie.Node | str = {}
        self._fingerprint: str | None = None
        #: each route's spec data (None for routes without), or a function giving it
        self._operations: list[Any] | Callable[[int], Any] = []
        self._has_spec: bool | None = None
        #: the mapped cache file a loaded registry reads from (see explorer.registry.serial)
        self._index: Any = None
        with _gc_paused():
            self._build(routes)
        self._reset_caches()

    # ------------------------------------------------------------------ building

    def _build(self, routes: Iterable[Route]) -> None:
        # One pass makes each route's rows, and its entries' rows but for their command
        # words and action, which need the whole trie (the common prefix, which literals
        # are collections); then the route, its parsed pattern and shapes are let go (a
        # pattern is parsed again from its row when a match needs it).  Until it is
        # named an entry keeps only its longest shape, so a listing of 100,000 routes
        # is never held as routes and as rows at once.
        seen: set[tuple[str, str]] = set()
        root: trie.Node = {}
        rows: list[list] = []
        longest: list[Shape | None] = []
        for route in routes:
            item = self._check(route, seen)
            if item is None:
                continue
            route, method, pattern, shapes = item
            index = len(self._route_rows)
            self._route_rows.append(_route_row(route))
            self._operations.append(route.operation)
            row_of = [0] * len(shapes)  # the entry row serving each shape
            for row, shape in _entries_for(index, route, method, pattern, shapes):
                for shape_index in row[_SHAPES]:
                    row_of[shape_index] = len(rows)
                rows.append(row)
                longest.append(shape)
            for shape_index, shape in enumerate(shapes):
                trie.insert(root, shape, row_of[shape_index], shape_index)
        del seen
        item = route = pattern = shapes = None
        prefix = naming.common_prefix(root)

        def is_collection(shape: Shape) -> bool:
            node = trie.find(root, shape)
            return node is not None and (trie.PARAM in node or trie.TAILS in node)

        for number, row in enumerate(rows):
            derived, action = naming.derive(row[_METHOD], longest[number],
                                            prefix_len=len(prefix), is_collection=is_collection)
            longest[number] = None
            row[_ACTION] = action
            if row[_WORDS] is None:
                row[_WORDS] = derived
        del longest
        route_rows = self._route_rows

        def candidate(number: int) -> naming.Candidate:
            row = rows[number]
            return naming.Candidate(row[_WORDS], row[_PARAMS], row[_METHOD], row[_EXPLICIT],
                                    (route_rows[row[_ROUTE]][1], row[_METHOD], row[_SHAPES]))

        names = naming.unique_names([row[_WORDS] for row in rows], candidate)
        for row, words in zip(rows, names, strict=True):
            row[_WORDS] = words
        del names
        self._entry_rows = rows
        self._methods = [row[_METHOD] for row in rows]
        self._names = [" ".join(row[_WORDS]) for row in rows]
        self._prefix = list(prefix)
        self._trie = root

    def _check(self, route: Any, seen: set[tuple[str, str]]):
        if not isinstance(route, Route):
            self._warn(f"skipping {route!r}: not a route")
            return None
        label = f"{route.method} {route.path!r}"
        if not isinstance(route.path, str) or not isinstance(route.method, str):
            self._warn(f"skipping route {label}: method and path must be strings")
            return None
        method = _shared(route.method.upper())  # one string per method, not per route
        if method not in METHODS:
            self._warn(f"skipping route {label}: unknown method {route.method!r}")
            return None
        if (method, route.path) in seen:
            self._warn(f"skipping route {label}: duplicate of an earlier route")
            return None
        from explorer.routing import RoutePattern  # imported on first use (start-up cost)

        try:
            pattern = RoutePattern.parse(route.path)
            shapes = pattern.shapes
        except RouteError as exc:
            self._warn(f"skipping route {label}: {exc}")
            return None
        if any(len(shape) > MAX_SEGMENTS for shape in shapes):
            self._warn(f"skipping route {label}: more than {MAX_SEGMENTS} segments")
            return None
        seen.add((method, route.path))
        return route, method, pattern, shapes

    def _reset_caches(self) -> None:
        self._routes: list[Route | None] = [None] * len(self._route_rows)
        self._entries: list[Entry | None] = [None] * len(self._entry_rows)
        self._commands: dict[str, int] | None = None
        self._longest = 0
        self._words: list | None = None  # [text, {folded word: edge}, sorted keys]
        self._children: dict[tuple[int, ...], list[Child]] = {}

    # ------------------------------------------------------------------ lazy rows

    def _row(self, index: int) -> list:
        row = self._entry_rows[index]
        if type(row) is str:
            row = self._entry_rows[index] = json.loads(row)
        return row

    def _route_row(self, index: int) -> list:
        row = self._route_rows[index]
        if type(row) is str:
            row = self._route_rows[index] = json.loads(row)
        return row

    def _root(self) -> trie.Node:
        root = self._trie
        if type(root) is str:
            with _gc_paused():
                root = self._trie = json.loads(root)
        return root  # type: ignore[return-value]

    def _pattern(self, route_index: int) -> RoutePattern:
        pattern = self._patterns.get(route_index)
        if pattern is None:
            from explorer.routing import RoutePattern

            pattern = self._patterns[route_index] = RoutePattern.parse(
                self._route_row(route_index)[1]
            )
        return pattern

    def _route(self, index: int) -> Route:
        route = self._routes[index]
        if route is None:
            row = self._route_row(index)
            operation = None
            if len(row) > _HAS_OP and row[_HAS_OP]:
                ops = self._operations
                operation = ops(index) if callable(ops) else ops[index]
            route = self._routes[index] = _route_from_row(row, operation)
        return route

    def operations(self) -> Iterator[tuple[int, Any]]:
        """``(route index, spec data)`` of every route that has some, without building
        the other routes (a listing of 100,000 plain routes costs nothing here)."""
        ops = self._operations
        if not callable(ops):
            for index, operation in enumerate(ops):
                if operation is not None:
                    yield index, operation
            return
        for index in range(len(self._route_rows)):
            row = self._route_row(index)
            if len(row) > _HAS_OP and row[_HAS_OP]:
                yield index, self._route(index).operation

    @property
    def has_spec(self) -> bool:
        """True when some route carries spec data (an API description's routes)."""
        found = self._has_spec
        if found is None:
            ops = self._operations
            found = any(op is not None for op in ops) if not callable(ops) else False
            self._has_spec = found
        return found

    def operation(self, route_index: int) -> Any:
        """The spec data of the route at ``route_index`` (None when it has none)."""
        return self._route(route_index).operation

    @property
    def document(self) -> Any:
        """The :class:`~explorer.spec.SpecDocument` the routes came from, or None."""
        for index in range(len(self._route_rows)):
            row = self._route_row(index)
            if len(row) > _HAS_OP and row[_HAS_OP]:
                operation = self._route(index).operation
                return operation.document if operation is not None else None
        return None

    def _entry(self, index: int) -> Entry:
        entry = self._entries[index]
        if entry is None:
            row = self._row(index)
            source = row[_SOURCE]
            entry = self._entries[index] = Entry(
                self._route(row[_ROUTE]),
                method=row[_METHOD],
                command=tuple(row[_WORDS]),
                params=tuple(row[_PARAMS]),
                required=tuple(row[_REQUIRED]),
                shapes=tuple(row[_SHAPES]),
                explicit=row[_EXPLICIT],
                action=row[_ACTION],
                pattern=None if source else self._patterns.get(row[_ROUTE]),
                source=tuple(source) if source else None,
            )
        return entry

    # ------------------------------------------------------------------ the index

    @property
    def prefix(self) -> str:
        """The common literal prefix, e.g. ``"/public/v1"`` (``""`` when none)."""
        return "".join("/" + text for text in self._prefix)

    @property
    def routes(self) -> list[Route]:
        """The routes kept (valid, not duplicates), in registration order."""
        return [self._route(i) for i in range(len(self._route_rows))]

    @property
    def entries(self) -> list[Entry]:
        """Every entry (command), in registration order."""
        return [self._entry(i) for i in range(len(self._entry_rows))]

    def __len__(self) -> int:
        """The number of entries (commands)."""
        return len(self._entry_rows)

    def __iter__(self) -> Iterator[Entry]:
        return iter(self.entries)

    # ------------------------------------------------------------------ matching

    def match(self, path: str) -> list[tuple[Entry, dict]]:
        """Every entry whose pattern matches ``path``, best first, with its params."""
        return [
            (self._entry(entry), params if params is not None else self._params(entry, shape, raw))
            for entry, shape, raw, params in self._found(path)
        ]

    def resolve(self, method: str, path: str) -> Resolution:
        """The entry serving ``method`` at the concrete ``path``, and who else is there."""
        method = method.upper()
        allowed = set()
        chosen = None
        fallback = None
        for found in self._found(path):
            here = self._row(found[0])[_METHOD]
            allowed.add(here)
            if here == method:
                if chosen is None:
                    chosen = found
            elif here == "GET" and fallback is None:
                fallback = found
        if "GET" in allowed:
            allowed.add("HEAD")
        if chosen is None and method == "HEAD":
            chosen = fallback
        if chosen is None:
            return Resolution(None, {}, frozenset(allowed))
        entry, shape, raw, params = chosen
        if params is None:
            params = self._params(entry, shape, raw)
        return Resolution(self._entry(entry), params, frozenset(allowed))

    def _found(self, path: str) -> list[tuple[int, int, tuple[str, ...] | None, dict | None]]:
        """Confirmed matches, best first: (entry, shape, raw values, params).

        ``params`` is None for trie-exact entries (see :meth:`_params`); their rows
        are decoded by now.  A DecodeError from a confirming pattern propagates.
        """
        path = _request_path(path)
        found: list[tuple[int, int, tuple[str, ...] | None, dict | None]] = []
        done: set[int] = set()
        rows = self._entry_rows
        for entry, shape, raw in trie.candidates(self._root(), path[1:].split("/")):
            if entry in done:
                continue
            row = rows[entry]
            if type(row) is str:
                row = self._row(entry)
            if raw is not None and row[_EXACT]:
                found.append((entry, shape, raw, None))
            else:
                params = self._pattern(row[_ROUTE]).match(path)
                if params is None:
                    continue
                found.append((entry, shape, raw, params))
            done.add(entry)
        return found

    def _params(self, entry: int, shape: int, raw: tuple[str, ...] | None) -> dict:
        """Params of a trie-exact match: the raw segments, decoded, by name."""
        row = self._entry_rows[entry]
        params = dict.fromkeys(row[_NAMES])
        names = row[_SHAPE_NAMES][row[_SHAPES].index(shape)]
        for name, value in zip(names, raw or (), strict=True):
            params[name] = decode_component(value)
        return params

    # ------------------------------------------------------------------ completion

    def children(self, prefix: str) -> list[Child]:
        """What may follow ``prefix`` (whole segments ending in ``/``) as the next segment.

        Text after the last ``/`` is ignored; ``""`` and ``"/"`` mean the root.
        """
        segments = _request_path(prefix)[1:].split("/")[:-1]
        nodes = trie.nodes_at(self._root(), segments)
        key = tuple(id(node) for node in nodes)  # the trie never changes once built
        found = self._children.get(key)
        if found is None:
            if len(self._children) >= _CHILDREN_CACHE:
                self._children.clear()
            with _gc_paused():
                found = self._children[key] = trie.children(nodes, self._describe)
        return list(found)

    def _describe(self, entry: int) -> tuple[str, str]:
        return self._method_list()[entry], self._name_list()[entry]

    def _name_list(self) -> list[str]:
        names = self._names
        if names is None:
            names = self._names = self._index.lines("names")
        return names

    def _method_list(self) -> list[str]:
        methods = self._methods
        if methods is None:
            methods = self._methods = self._index.lines("methods")
        return methods

    # ------------------------------------------------------------------ commands

    def _command_table(self) -> dict[str, int]:
        if self._commands is None:
            table = {}
            longest = 0
            for i, name in enumerate(self._name_list()):
                table[name.lower()] = i
                longest = max(longest, name.count(" ") + 1)
            self._commands = table
            self._longest = longest
        return self._commands

    def command_names(self) -> list[str]:
        """Every command name, sorted: ``["instruments commands kill", ...]``."""
        return sorted(self._name_list())

    def lookup_command(self, words: Sequence[str]) -> tuple[Entry, list[str]]:
        """The longest command name that starts ``words``, and the words after it.

        An unknown name raises UsageError naming the closest commands.
        """
        found = self.find_command(words)
        if found is None:
            raise UsageError(self._unknown(words))
        return found

    def find_command(self, words: Sequence[str]) -> tuple[Entry, list[str]] | None:
        """:meth:`lookup_command` without the error (None for an unknown name): cheap
        enough for every keystroke."""
        if self._commands is None and self._index is not None:
            # a mapped index: one hashed bucket per length tried, no table built
            lookup = self._index.command
            longest = self._index.header["longest"]
        else:
            lookup = self._command_table().get
            longest = self._longest
        for n in range(min(len(words), longest), 0, -1):
            index = lookup(naming.fold_words(words[:n]))
            if index is not None:
                return self._entry(index), list(words[n:])
        return None

    def command_outline(self, words: Sequence[str]) -> tuple | None:
        """The command named exactly ``words`` as its index row tells it, building no
        route and reading no spec data (a completion that names a command shows its
        method and pattern): ``(words, method, pattern text, positional parameters,
        summary, entry)``, ``entry`` a function returning its :class:`Entry`.  None
        when no command has that name."""
        if self._commands is None and self._index is not None:
            index = self._index.command(naming.fold_words(words))
        else:
            index = self._command_table().get(naming.fold_words(words))
        if index is None:
            return None
        row = self._row(index)
        route = self._route_row(row[_ROUTE])
        return (tuple(row[_WORDS]), row[_METHOD], route[1], tuple(row[_PARAMS]),
                route[3] or "", lambda: self._entry(index))

    def _unknown(self, words: Sequence[str]) -> str:
        if not words:
            return "no command given"
        self._command_table()
        import difflib  # only for the error message

        names = self.command_names()
        best: tuple[float, str, list[str]] = (-1.0, words[0], [])
        for n in range(1, min(len(words), self._longest + 1) + 1):
            typed = " ".join(words[:n])
            close = difflib.get_close_matches(typed, names, n=3, cutoff=0.5)
            score = difflib.SequenceMatcher(None, typed, close[0]).ratio() if close else 0.0
            if score > best[0]:
                best = (score, typed, close)
        _score, typed, close = best
        message = f"unknown command {typed!r}"
        if close:
            message += "; did you mean: " + ", ".join(close)
        elif names:  # nothing close: what the commands start with, a few of them
            groups = sorted(dict.fromkeys(name.split(" ", 1)[0] for name in names))
            shown = ", ".join(groups[:GROUPS_SHOWN]) + (", …" if len(groups) > GROUPS_SHOWN else "")
            message += f"; commands start with: {shown} (routes lists them all)"
        return message

    def commands_starting(
        self, words: Sequence[str], prefix: str = "", *, limit: int | None = None
    ) -> list[str]:
        """The words that may come next after ``words`` in some command name, sorted:
        the registry's one index of command words (the CLI's and the shell's completion
        ask it).  ``prefix``: only those starting with it; ``limit``: at most that many.
        Words compare case-insensitively; each comes back as the name spells it."""
        if self._words is None:
            tree: dict = {}
            for name in self._name_list():
                node = tree
                for word in name.split(" "):
                    node = node.setdefault(word.lower(), [word, {}, None])[1]
            self._words = [None, tree, None]
        edge = self._words
        for word in words:
            edge = edge[1].get(word.lower())
            if edge is None:
                return []
        ordered = edge[2]
        if ordered is None:  # sorted once per node: a keystroke bisects it
            ordered = edge[2] = sorted(edge[1])
        children = edge[1]
        folded = prefix.lower()
        out: list[str] = []
        i = bisect.bisect_left(ordered, folded) if folded else 0
        while i < len(ordered) and ordered[i].startswith(folded):
            if limit is not None and len(out) >= limit:
                break
            out.append(children[ordered[i]][0])
            i += 1
        return out

    # ------------------------------------------------------------------ identity

    @property
    def fingerprint(self) -> str:
        """sha256 (hex) of the sorted ``METHOD path`` lines of the routes."""
        if self._fingerprint is None:
            lines = sorted(
                f"{row[0].upper()} {row[1]}"
                for row in (self._route_row(i) for i in range(len(self._route_rows)))
            )
            digest = sha256()
            for start in range(0, len(lines), 4096):  # not one text of every line at once
                if start:
                    digest.update(b"\n")
                digest.update("\n".join(lines[start : start + 4096]).encode("utf-8"))
            self._fingerprint = digest.hexdigest()
        return self._fingerprint

    def diff(self, other: Registry) -> tuple[list[Route], list[Route]]:
        """``(added, removed)`` of this registry against an older ``other``.

        ``new.diff(old)``: routes in ``new`` that ``old`` lacks, and routes of
        ``old`` that ``new`` lacks, compared by (method, path).
        """
        mine = {(r.method.upper(), r.path) for r in self.routes}
        theirs = {(r.method.upper(), r.path) for r in other.routes}
        added = [r for r in self.routes if (r.method.upper(), r.path) not in theirs]
        removed = [r for r in other.routes if (r.method.upper(), r.path) not in mine]
        return added, removed

    def dump(self) -> dict:
        """A JSON-serialisable index (see :meth:`load`); the discovery cache writes
        :meth:`index_chunks` instead."""
        root = self._trie
        return {
            "format": FORMAT,
            "version": VERSION,
            "fingerprint": self.fingerprint,
            "prefix": self._prefix,
            "routes": [_text(row) for row in self._route_rows],
            "entries": [_text(row) for row in self._entry_rows],
            "methods": list(self._method_list()),
            "names": list(self._name_list()),
            "trie": root if type(root) is str else _text(serial.plain(root)),
            "spec": self.has_spec,
        }

    def index_chunks(self, token: str) -> Iterator[bytes]:
        """The cache form (:mod:`explorer.registry.serial`), in chunks, under ``token``."""
        return serial.index_chunks(
            token=token,
            fingerprint=self.fingerprint,
            prefix=list(self._prefix),
            spec=self.has_spec,
            route_rows=list(self._route_rows),
            entry_rows=list(self._entry_rows),
            root=self._root(),
            names=self._name_list(),
            methods=self._method_list(),
        )

    @classmethod
    def from_index(
        cls, index: serial.IndexFile, *, operations: Callable[[int], Any] | None = None
    ) -> Registry:
        """A registry over a mapped index file (:meth:`index_chunks`'s output); each row,
        trie node and command bucket is decoded the first time it is needed.
        ``operations`` as for :meth:`load`."""
        header = index.header
        prefix, fingerprint = header.get("prefix"), header.get("fingerprint")
        if not (isinstance(prefix, list) and isinstance(fingerprint, str)
                and isinstance(header.get("longest"), int)
                and index.count("entries") == header.get("entries")):
            raise RouteIndexError("route index is damaged")
        self = cls.__new__(cls)
        self._warn = _ignore
        self._patterns = {}
        self._route_rows = serial.Rows(index, "routes")
        self._entry_rows = serial.Rows(index, "entries")
        self._methods = None
        self._names = None
        nodes = serial.Nodes(index)
        self._trie = nodes[int(header["root"])]
        self._prefix = list(prefix)
        self._fingerprint = fingerprint
        self._operations = operations or _no_operation
        self._has_spec = bool(header.get("spec")) and operations is not None
        self._index = index
        self._reset_caches()
        return self

    @classmethod
    def load(cls, data: dict, *, operations: Callable[[int], Any] | None = None) -> Registry:
        """A registry from :meth:`dump` output; nothing is parsed until it is used.

        ``operations(route_index)`` gives the spec data of a route that had some (the
        discovery cache reads it on first use); without it such routes have none.
        Raises RouteIndexError (a DiscoveryError and a ValueError) for anything that
        is not a current index.
        """
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise RouteIndexError("not a route index written by explorer")
        if data.get("version") != VERSION:
            raise RouteIndexError(f"route index version {data.get('version')!r} is not {VERSION}")
        routes, entries = data.get("routes"), data.get("entries")
        root, prefix, fingerprint = data.get("trie"), data.get("prefix"), data.get("fingerprint")
        methods, names = data.get("methods"), data.get("names")
        if not (
            isinstance(routes, list) and isinstance(entries, list) and isinstance(root, str)
            and isinstance(prefix, list) and isinstance(fingerprint, str)
            and isinstance(methods, list) and isinstance(names, list)
            and len(methods) == len(names) == len(entries)
        ):
            raise RouteIndexError("route index is damaged")
        self = cls.__new__(cls)
        self._warn = _ignore
        self._patterns = {}
        self._route_rows = list(routes)
        self._entry_rows = list(entries)
        self._methods = list(methods)
        self._names = list(names)
        self._trie = root
        self._prefix = list(prefix)
        self._fingerprint = fingerprint
        self._operations = operations or _no_operation
        self._has_spec = bool(data.get("spec")) and operations is not None
        self._index = None
        self._reset_caches()
        return self

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Registry):
            return NotImplemented
        mine, theirs = self.dump(), other.dump()
        # the same trie whatever the order of its keys (a cached wide node lists its
        # hashed edges last)
        mine["trie"], theirs["trie"] = json.loads(mine["trie"]), json.loads(theirs["trie"])
        return mine == theirs

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"<Registry {len(self._route_rows)} routes, {len(self)} commands>"


# ---------------------------------------------------------------------- helpers


def _ignore(_message: str) -> None:
    return None


def _no_operation(_index: int) -> None:
    return None


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while building.

    A build allocates a few hundred thousand small containers and no cycles; left
    on, the collector rescans them all again and again (a third of the build time
    at 10,000 routes).  Reference counting still frees everything as usual.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _text(value: Any) -> str:
    return value if type(value) is str else json.dumps(value, separators=(",", ":"))


def _request_path(path: str) -> str:
    for mark in "?#":
        cut = path.find(mark)
        if cut >= 0:
            path = path[:cut]
    return path if path[:1] == "/" else "/" + path


_HAS_OP = 11


def _route_row(route: Route) -> list:
    # the method, the query names and the tags shared between rows (a listing repeats
    # them); a tuple is a list in the row's JSON form
    return [_shared(route.method), route.path, route.command, route.summary,
            _shared(tuple(route.query_params)), route.body_schema, route.response_schema,
            route.max_upload, route.origin, route.operation_id, _shared(tuple(route.tags)),
            route.operation is not None]


def _route_from_row(row: list, operation: Any = None) -> Route:
    return Route(row[0], row[1], command=row[2], summary=row[3], query_params=tuple(row[4]),
                 body_schema=row[5], response_schema=row[6], max_upload=row[7],
                 origin=row[8], operation_id=row[9], tags=tuple(row[10]), operation=operation)


def _entries_for(index: int, route: Route, method: str, pattern: RoutePattern,
                 shapes: list[Shape]) -> list[tuple[list, Shape]]:
    """The entry rows of one route (two for a GET that is both a list and a get), each
    with its longest shape: its command words (unless the route names it) and action
    are left None, for :func:`naming.derive` once the trie is whole."""
    plain = pattern.is_plain
    exact = plain and len({len(s) for s in shapes}) == len(shapes)
    explicit = tuple(route.command.split()) if isinstance(route.command, str) else ()
    everything = tuple(range(len(shapes)))
    halves = [everything]
    if exact and method == "GET" and not explicit and len(shapes) > 1:
        # ``GET /x/:id?``: one entry for the shapes ending in a literal (list), one for
        # the others (get); only for trie-exact patterns, where the shape that matched
        # a path is known without asking the pattern
        lists = tuple(i for i in everything if naming.ends_in_literal(shapes[i]))
        gets = tuple(i for i in everything if i not in lists)
        if lists and gets:
            halves = [lists, gets]
    names = _shared(pattern.param_names)
    # the plain params of each shape in order (for the trie), and every name it binds
    shape_params = [_shared(tuple(s.name for s in shape if type(s) is Param)) for shape in shapes]
    bound = shape_params if plain else [_bound(shape) for shape in shapes]
    words = explicit or naming.operation_words(route.operation_id) or None
    out = []
    for members in halves:
        if len(members) == 1:
            params = required = bound[members[0]]
        else:
            anywhere = set(bound[members[0]])
            everywhere = set(anywhere)
            for i in members[1:]:
                anywhere.update(bound[i])
                everywhere.intersection_update(bound[i])
            params = _shared(tuple(n for n in names if n in anywhere))
            required = _shared(tuple(n for n in names if n in everywhere))
        representative = max((shapes[i] for i in members), key=len)
        # a half with one shape serves that shape's own pattern (``/x`` or ``/x/:id``)
        source = (pattern.expand()[members[0]], pattern.syntax) \
            if len(halves) == 2 and len(members) == 1 else None
        out.append(([index, method, words, params, required, names, exact, _shared(members),
                     bool(explicit), _shared(tuple(shape_params[i] for i in members)), source,
                     None], representative))
    return out


_SHARED: dict = {}


def _shared(value):
    """One shared instance of small tuples (``("id",)``) and strings (``"GET"``) that
    recur in every row."""
    try:
        found = _SHARED.get(value)
    except TypeError:  # something unhashable inside: kept as it is
        return value
    if found is None:
        if len(_SHARED) > 10_000:
            _SHARED.clear()
        found = _SHARED[value] = value
    return found


def _bound(shape: Shape) -> tuple[str, ...]:
    out: list[str] = []
    for segment in shape:
        kind = type(segment)
        if kind is Param:
            out.append(segment.name)
        elif kind is not Literal:
            out.extend(segment.names)
    return tuple(out)
