"""Which candidates: each suggestion kind of :mod:`.suggest` mapped to completions.

Sources: the registry's trie (``registry.children(prefix)``, one level at a time, never
a scan of every route), the generated-command index, the learned store (ids with names,
field names, filter values, body fields), route schemas, the shell's variables and the
last answer.  Every candidate carries ``display_meta`` (methods and command names for
path segments, the name for an id, the type for a body field).

Filter values (``status=``, ``actions.action=``) come from what the user typed and
what answers held; a field whose values are ids of a sibling list (``family`` ->
``/public/v1/families``, ``protocol_id`` -> ``/api/generic/protocol``) offers those ids
with their names, and after ``=@`` the names themselves (``family=@LiquidHandler``).

Nothing here waits on the network: when ids of a list are unknown or old, the
``prefetch`` callback is asked to fetch them in the background (``prefetch_values``
for a page of whole objects when a list's values were never seen); the candidates
show up on the next keystroke (or when the shell restarts completion after the fetch).
"""

from __future__ import annotations

import bisect
import json
import re
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from prompt_toolkit.completion import (
    CompleteEvent,
    Completer,
    Completion,
    PathCompleter,
    ThreadedCompleter,
)
from prompt_toolkit.document import Document

from explorer.envelope import list_key
from explorer.errors import ExplorerError
from explorer.items.syntax import BODY_METHODS, QUERY_METHODS
from explorer.render.text import has_control, one_line
from explorer.repl import suggest as s
from explorer.repl.commands import BUILTINS
from explorer.repl.index import CommandIndex
from explorer.repl.learned import LearnedStore
from explorer.repl.state import ShellState
from explorer.repl.vocabulary import (
    COMMON_FIELDS,
    COMMON_HEADERS,
    MEDIA_TYPES,
    OUTPUT_MODES,
    PAGER_MODES,
    READ_PARAMS,
    VERBS,
)
from explorer.variables import paths as variable_paths

#: candidates offered at most per kind: ids of a list, path segments, command words;
#: typing narrows a directory of thousands, and the cost of a keystroke stays flat
MAX_SHOWN = 100
#: how long a completion waits, in its own thread, for a page it asked for: answered at
#: once when it comes in time; a slower one re-opens the menu when it comes (a restart
#: asked while this completion still ran would be dropped by prompt_toolkit)
FETCH_WAIT = 2.0
_SMALL_VALUES = {
    "limit": ("10", "25", "50", "100"),
    "skip": ("0", "10", "50", "100"),
    "count": ("10", "50"),
    "cursor": ("-1",),
}
_NOT_BODY = frozenset({"id", "createdAt", "createdBy", "updatedAt", "updatedBy", "acl"})


class ShellCompleter(Completer):
    """Completions for one registry; the shell swaps in a new one when routes change."""

    def __init__(
        self,
        *,
        registry,
        learned: LearnedStore,
        state: ShellState,
        index: CommandIndex | None = None,
        prefetch: Callable[[str], None] | None = None,
        prefetch_values: Callable[[str], None] | None = None,
        profiles: Callable[[], dict[str, str]] | None = None,
    ) -> None:
        self.registry = registry
        #: profile name -> its url, for ``connect``
        self.profiles = profiles or dict
        self.learned = learned
        self.state = state
        self.index = index if index is not None else CommandIndex.from_registry(registry)
        self.prefetch = prefetch
        #: asked for a page of whole objects of a list, to learn the values in them
        self.prefetch_values = prefetch_values
        self._entries: dict[tuple[str, str], Any] = {}
        self._suggested: tuple[str, str, list] | None = None
        self._listings: dict[str, Any] = {}
        self._handlers: dict[type, Callable[[Any], Iterable[Completion]]] = {
            s.Keyword: self._keyword,
            s.Command: self._command,
            s.Path: self._path,
            s.PathParamValue: self._param_value,
            s.QueryKey: self._query_key,
            s.QueryValue: self._query_value,
            s.BodyField: self._body_field,
            s.BodyValue: self._body_value,
            s.Header: self._header,
            s.HeaderValue: self._header_value,
            s.FilePath: self._file_path,
            s.Variable: self._variable,
            s.ShellCommandArg: self._shell_arg,
            s.FilterKey: self._filter_key,
        }

    # -- prompt_toolkit's entry point --------------------------------------------------

    def get_completions(self, document: Document, complete_event: CompleteEvent):
        text = document.text_before_cursor
        seen: set[str] = set()
        for suggestion in self._suggestions(text):
            partial = getattr(suggestion, "partial", "")
            if not text.endswith(partial):
                continue  # a quoted word: replacing it would be wrong
            for completion in self._handlers[type(suggestion)](suggestion):
                key = completion.text or "\0" + completion.display_text  # hints insert nothing
                if key in seen:
                    continue
                seen.add(key)
                yield _shown(completion)

    async def get_completions_async(self, document: Document, complete_event: CompleteEvent):
        """What the routes in memory answer (command words, a directory without
        parameter segments) is answered in the event loop, so the menu is drawn with
        the line as a plain completer's is; the rest in a thread of its own, as it may
        wait for ids a prefetch is bringing (:data:`FETCH_WAIT`)."""
        if self._at_once(document.text_before_cursor):
            for completion in self.get_completions(document, complete_event):
                yield completion
            return
        async for completion in ThreadedCompleter(self).get_completions_async(
            document, complete_event
        ):
            yield completion

    def _suggestions(self, text: str) -> list:
        """What :func:`.suggest.suggest` says of ``text`` (the last answer is kept: the
        event loop asks, then the completion itself)."""
        cwd = self.state.cwd
        last = self._suggested
        if last is not None and last[0] == text and last[1] == cwd:
            return last[2]
        state = s.SuggestState(cwd=cwd, commands=self.index)
        found = list(s.suggest(text, state=state))
        self._suggested = (text, cwd, found)
        return found

    def _at_once(self, text: str) -> bool:
        """True when every suggestion for ``text`` is answered from memory alone."""
        for suggestion in self._suggestions(text):
            kind = type(suggestion)
            if kind is s.Keyword or kind is s.Command:
                continue
            if kind is s.Path and self.registry is not None and "{{" not in suggestion.directory:
                listing = self._listing(suggestion.directory)
                if listing is None or not listing[2]:  # no parameter segment: no ids
                    continue
            return False
        return True

    def warm(self) -> None:
        """Build the one-time indexes now (from a background thread), so the first
        keystrokes do not pay for them: command words, the root and the prefix."""
        if self.registry is None:
            return
        self.index.next_words(())
        first = self.index.first_name()
        if first is not None:
            self.index.shape(first)
        self._listing("/")
        prefix = getattr(self.registry, "prefix", "")
        if prefix:
            self._listing(prefix.rstrip("/") + "/")

    # -- helpers -----------------------------------------------------------------------

    def _entry(self, method: str, path: str):
        """The registry entry serving ``method path`` (variables expanded), or None."""
        key = (method, path)
        if key in self._entries:
            return self._entries[key]
        entry = None
        if self.registry is not None:
            try:
                concrete = self.state.expand(path) if "{{" in path else path
                from explorer.engine import quote_path

                entry = self.registry.resolve(method, quote_path(concrete)).entry
            except (ExplorerError, ValueError):
                entry = None
        if len(self._entries) > 512:
            self._entries.clear()
        self._entries[key] = entry
        return entry

    def _route(self, target: s.Target) -> str | None:
        entry = self._entry(target.method, target.path)
        return entry.route.path if entry is not None else None

    def _read_route(self, target: s.Target) -> str | None:
        """The GET route at the target's path (whose answers taught the field names)."""
        entry = self._entry("GET", target.path)
        return entry.route.path if entry is not None else None

    def _fields(self, target: s.Target) -> list[str]:
        """Field names of the objects at the target's path: learned, then schema."""
        names: dict[str, None] = {}
        read = self._read_route(target)
        if read:
            names.update(dict.fromkeys(self.learned.fields(read)))
        entry = self._entry("GET", target.path)
        if entry is not None and entry.route.operation is not None:
            names.update(dict.fromkeys(_answer_fields(entry.route.operation)))
        else:
            schema = getattr(entry.route, "response_schema", None) if entry else None
            names.update(dict.fromkeys(_schema_fields(schema)))
        return list(names)

    # -- one method per suggestion kind ------------------------------------------------

    def _filter_key(self, sug: s.FilterKey) -> Iterator[Completion]:
        """Keys of what the expression so far selects in the last answer."""
        if self.state.last is None:
            return
        from explorer.render.filter import filter_keys

        partial, keys = filter_keys(sug.expression, self.state.last)
        for key in keys:
            yield Completion(key, start_position=-len(partial),
                             display_meta="key of the last answer")

    def _keyword(self, sug: s.Keyword) -> Iterator[Completion]:
        want = sug.partial.lower()
        start = -len(sug.partial)
        for verb, text in VERBS.items():
            if verb.startswith(want):
                yield Completion(verb, start, display_meta=text)
        for name, builtin in BUILTINS.items():
            if name.startswith(want):
                yield Completion(name, start, display_meta=builtin.text)
        for word, text in self.index.next_words((), want).items():
            yield Completion(word, start, display_meta=text)

    def _command(self, sug: s.Command) -> Iterator[Completion]:
        want = sug.partial.lower()
        for word, text in self.index.next_words(sug.words, want).items():
            yield Completion(word, -len(sug.partial), display_meta=text)

    def _path(self, sug: s.Path) -> Iterator[Completion]:
        if self.registry is None:
            return
        directory = sug.directory
        if "{{" in directory:
            try:
                directory = self.state.expand(directory)
            except ExplorerError:
                return
        listing = self._listing(directory)
        if listing is None:
            return
        folded, literals, params = listing
        want = sug.partial.lower()
        i = bisect.bisect_left(folded, want)
        shown = 0
        while i < len(folded) and shown < MAX_SHOWN and folded[i].startswith(want):
            child = literals[i]
            slash = "/" if child.has_children and not child.methods else ""
            yield Completion(
                child.text + slash,
                -len(sug.partial),
                display=child.text + ("/" if child.has_children else ""),
                display_meta=_child_meta(child),
            )
            shown += 1
            i += 1
        for child in params:
            yield from self._param_segment(directory, child.name or "", sug.partial)

    def _listing(self, directory: str):
        """The children of ``directory``, literals sorted for prefix search (memoised)."""
        key = directory.lower()
        found = self._listings.get(key)
        if found is not None:
            return found
        try:
            children = self.registry.children(directory)
        except (ExplorerError, ValueError):
            return None
        literals = sorted(
            (c for c in children if c.kind == "literal"), key=lambda c: c.text.lower()
        )
        params = [c for c in children if c.kind != "literal"]
        found = ([c.text.lower() for c in literals], literals, params)
        if len(self._listings) >= 256:
            self._listings.clear()
        self._listings[key] = found
        return found

    def _param_value(self, sug: s.PathParamValue) -> Iterator[Completion]:
        collection = sug.collection
        if "{{" in collection:
            try:
                collection = self.state.expand(collection)
            except ExplorerError:
                return
        yield from self._param_segment(collection.rstrip("/") + "/", sug.param, sug.partial)

    def _path_param(self, directory: str, param: str) -> tuple[Any, dict | None]:
        """The operation and spec parameter of path parameter ``param`` right after
        ``directory`` (any route serving a path there), or ``(None, None)``."""
        if self.registry is None or not param:
            return None, None
        from explorer.engine import quote_path

        probe = quote_path(directory) + "x"
        try:
            for _ in range(8):  # down to the nearest route that takes the parameter
                for entry, _params in self.registry.match(probe):
                    operation = entry.route.operation
                    if operation is not None and operation.param("path", param) is not None:
                        return operation, operation.param("path", param)
                kids = self.registry.children(probe + "/")
                if not kids:
                    break
                kid = next((k for k in kids if k.kind == "literal"), kids[0])
                probe += "/" + (kid.text if kid.kind == "literal" else "x")
        except (ExplorerError, ValueError):
            pass
        return None, None

    def _param_segment(self, directory: str, param: str, partial: str) -> Iterator[Completion]:
        """At a parameter segment: its enum values (from the spec), the ids learned for
        the list above it, and, when the spec describes it, one hint naming it (so Tab
        never shows nothing without saying why)."""
        collection = directory.rstrip("/") or "/"
        operation, spec = self._path_param(directory, param)
        shown = 0
        if spec is not None:
            view = operation.view(spec.get("schema"))
            for value in view.enum or ():
                text = value if isinstance(value, str) else json_text(value)
                if text.lower().startswith(partial.lower()):
                    shown += 1
                    yield Completion(text, -len(partial), display_meta=f"{{{param}}} enum")
        for completion in self._ids(collection, param, partial):
            shown += 1
            yield completion
        if spec is not None and not partial and not shown:
            # Two rows that insert nothing: prompt_toolkit drops a lone completion that
            # changes nothing, and the hint must show (Tab never offers nothing silently).
            kind = operation.type_text(spec.get("schema")) or "any"
            about = spec.get("description") or ""
            meta = f"{kind}: {about}" if about else kind
            yield Completion("", 0, display=f"{{{param}}}", display_meta=one_line(meta)[:100])
            yield Completion("", 0, display="  type the value",
                             display_meta=f"{param} (no value seen yet)")

    def _ids(self, collection: str, param: str, partial: str) -> Iterator[Completion]:
        found = self.learned.ids(collection, partial, limit=MAX_SHOWN)
        if self.prefetch is not None:
            fetch = self.prefetch(collection)
            if not found and _arrived(fetch):
                found = self.learned.ids(collection, partial, limit=MAX_SHOWN)
        for ident, name in found:
            yield Completion(
                ident, -len(partial), display_meta=name or f":{param}" if param else name
            )

    def _query_key(self, sug: s.QueryKey) -> Iterator[Completion]:
        target = sug.target
        method = target.method
        sep = "=" if method in QUERY_METHODS else "=="
        entry = self._entry(method, target.path)
        operation = entry.route.operation if entry is not None else None
        keys: dict[str, str] = {}
        if operation is not None:  # the spec's parameters, and nothing else
            for p in operation.params_in("query"):
                name = p.get("name")
                if isinstance(name, str):
                    kind = operation.type_text(p.get("schema")) or "any"
                    keys[name] = kind + (", required" if p.get("required") else "")
        else:
            declared = tuple(getattr(entry.route, "query_params", ()) or ()) if entry else ()
            for name in declared:
                keys[name] = "query parameter"
            if method == "GET":
                if entry is None or entry.route.read_conventions:  # LabOS's /discover routes
                    keys.update((k, v) for k, v in READ_PARAMS.items() if k not in keys)
                for name in self._fields(target):
                    keys.setdefault(name, "filter")
        want = sug.partial.lower()
        for name, meta in keys.items():
            if name.lower().startswith(want):
                yield Completion(name + sep, -len(sug.partial), display=name, display_meta=meta)

    def _query_value(self, sug: s.QueryValue) -> Iterator[Completion]:
        key = sug.key
        entry = self._entry(sug.target.method, sug.target.path)
        operation = entry.route.operation if entry is not None else None
        declared = operation.param("query", key) if operation is not None else None
        if declared is not None and (operation.view(declared.get("schema")).enum or (
                operation.view(declared.get("schema")).types == ["boolean"])):
            yield from _enum_completions(operation, declared, sug.partial)
            return
        if key in ("sort", "fields") and operation is None:
            yield from self._field_list(sug)
            return
        if key in _SMALL_VALUES:
            for value in _SMALL_VALUES[key]:
                if value.startswith(sug.partial):
                    yield Completion(value, -len(sug.partial))
            return
        want = sug.partial.lower()
        route = self._read_route(sug.target) or self._route(sug.target)
        if route is None:
            return
        values = self.learned.values(route, key)
        referred = self._referred(sug.target, key, values)
        start = -len(sug.partial)
        want = sug.partial.lower()
        for value in values:
            if value.lower().startswith(want):
                name = self.learned.name_of(referred, value) if referred else None
                yield Completion(value, start, display_meta=name or "seen before")
        if sug.partial.startswith("@"):  # family=@Liq: by the name of the object
            if referred is not None:
                for name, ident in self.learned.names(referred, sug.partial[1:], limit=MAX_SHOWN):
                    yield Completion("@" + name, start, display_meta=ident)
            return
        if referred is not None:  # ids with their names, found by either
            for ident, name in self.learned.ids(referred, sug.partial, limit=MAX_SHOWN):
                yield Completion(ident, start, display_meta=name or referred)
        elif (not values and self.prefetch_values is not None
              and not self.learned.has_seen(route)
              and _arrived(self.prefetch_values(sug.target.path))):  # the page came in time
            for value in self.learned.values(route, key):
                if value.lower().startswith(want):
                    yield Completion(value, start, display_meta="seen before")

    def _referred(self, target: s.Target, key: str, values: list[str]) -> str | None:
        """The list whose ids the field ``key`` holds (``family`` -> ``.../families``,
        ``protocol_id`` -> ``.../protocol``): a sibling list named after the field, when
        the values seen are ids of it (or none were seen); None otherwise."""
        leaf = key.rsplit(".", 1)[-1]
        stem = re.sub(r"(_ids?|Ids?)$", "", leaf).lower()
        if not stem or stem == "id":
            return None
        wanted = {stem, stem + "s", stem + "es"}
        if stem.endswith("y"):
            wanted.add(stem[:-1] + "ies")
        parent = target.path.rstrip("/").rsplit("/", 1)[0]
        while True:
            listing = self._listing((parent or "") + "/")
            if listing is not None:
                folded, literals, _ = listing
                for text, child in zip(folded, literals, strict=True):
                    if text in wanted and "GET" in child.methods:
                        collection = f"{parent}/{child.text}"
                        return collection if self._holds_ids(collection, values) else None
            if not parent:
                return None
            parent = parent.rsplit("/", 1)[0]

    def _holds_ids(self, collection: str, values: list[str]) -> bool:
        """Whether ``values`` (of a field) are ids of ``collection``, as far as known;
        its ids are fetched when none are known yet."""
        if not self.learned.count(collection) and self.prefetch is not None:
            _arrived(self.prefetch(collection))  # the ids, in time for this answer
        if not self.learned.count(collection):
            return True
        plain = [v for v in values if not v.startswith("@")]
        if not plain:
            return True
        return any(self.learned.knows(collection, v) for v in plain)

    def _field_list(self, sug: s.QueryValue) -> Iterator[Completion]:
        """``sort=name,-upd`` and ``fields=name,desc``: complete the last element."""
        done, _, last = sug.partial.rpartition(",")
        used = {part.lstrip("-+") for part in done.split(",") if part}
        fields = self._fields(sug.target) or list(COMMON_FIELDS)
        descending = sug.key == "sort" and last.startswith("-")
        want = last.lstrip("-").lower()
        for name in fields:
            if name in used or not name.lower().startswith(want):
                continue
            if sug.key == "sort":
                if not descending:
                    yield Completion(name, -len(last), display_meta="ascending")
                yield Completion("-" + name, -len(last), display_meta="descending")
            else:
                yield Completion(name, -len(last), display_meta="field")

    def _body_field(self, sug: s.BodyField) -> Iterator[Completion]:
        target = sug.target
        if target.method not in BODY_METHODS:
            return
        entry = self._entry(target.method, target.path)
        fields: dict[str, tuple[str, str]] = {}
        operation = entry.route.operation if entry is not None else None
        schema = getattr(entry.route, "body_schema", None) if entry else None
        want = sug.partial.lower()
        if operation is not None:
            fields.update(_spec_body_fields(operation, want))
        elif isinstance(schema, dict):
            required = set(schema.get("required") or ())
            for name, prop in (schema.get("properties") or {}).items():
                kind = prop.get("type", "") if isinstance(prop, dict) else ""
                sep = "=" if kind in ("string", "") else ":="
                meta = f"{kind or 'any'}{', required' if name in required else ''}"
                fields[name] = (sep, meta)
        if entry is not None:
            for name in self.learned.body_fields(f"{target.method} {entry.route.path}"):
                fields.setdefault(name, ("=", "sent before"))
        read = self._read_route(target)
        if read:
            for name in self.learned.fields(read):
                if "." not in name and name not in _NOT_BODY:
                    fields.setdefault(name, ("=", "field"))
        for name, (sep, meta) in fields.items():
            if name.lower().startswith(want):
                yield Completion(name + sep, -len(sug.partial), display=name, display_meta=meta)

    def _header(self, sug: s.Header) -> Iterator[Completion]:
        if not sug.partial:
            return  # headers only once a letter is typed: keys and fields come first
        want = sug.partial.lower()
        for name, meta in COMMON_HEADERS.items():
            if name.lower().startswith(want):
                yield Completion(name + ":", -len(sug.partial), display=name, display_meta=meta)

    def _body_value(self, sug: s.BodyValue) -> Iterator[Completion]:
        """A body field's enum values, or its const, from the request schema."""
        entry = self._entry(sug.target.method, sug.target.path)
        operation = entry.route.operation if entry is not None else None
        if operation is None:
            return
        for f in operation.body_fields():
            if f.path == sug.key:
                yield from _enum_completions(operation, {"schema": f.schema}, sug.partial,
                                             json=sug.operator == ":=")
                return

    def _header_value(self, sug: s.HeaderValue) -> Iterator[Completion]:
        if sug.target is not None:
            entry = self._entry(sug.target.method, sug.target.path)
            operation = entry.route.operation if entry is not None else None
            if operation is not None:
                yield from _enum_completions(
                    operation, operation.param("header", sug.name), sug.partial)
        if sug.name.lower() not in ("accept", "content-type"):
            return
        for value in MEDIA_TYPES:
            if value.startswith(sug.partial):
                yield Completion(value, -len(sug.partial))

    def _file_path(self, sug: s.FilePath) -> Iterator[Completion]:
        completer = PathCompleter(expanduser=True)
        document = Document(sug.partial)
        yield from completer.get_completions(document, CompleteEvent(completion_requested=True))

    def _variable(self, sug: s.Variable) -> Iterator[Completion]:
        scope = self.state.scope()
        head = sug.partial.split(".", 1)[0]
        if "." in sug.partial and head in scope:
            pairs = variable_paths(scope[head], prefix=head)  # (reference, value), one walk
        else:
            pairs = iter(scope.items())
        for ref, value in pairs:
            if ref.startswith(sug.partial):
                yield Completion(
                    ref + "}}", -len(sug.partial), display=ref, display_meta=_preview(value)
                )

    def _shell_arg(self, sug: s.ShellCommandArg) -> Iterator[Completion]:
        start = -len(sug.partial)
        want = sug.partial.lower()
        if sug.command == "help":
            if not sug.args:
                yield from self._keyword(s.Keyword(sug.partial))
            else:
                yield from self._command(s.Command(tuple(a.lower() for a in sug.args), sug.partial))
        elif sug.command == "record" and not sug.args:
            for word, meta in (("start", "record start NAME"), ("stop", "stop recording")):
                if word.startswith(want):
                    yield Completion(word, start, display_meta=meta)
        elif sug.command == "output" and not sug.args:
            for word, meta in OUTPUT_MODES.items():
                if word.startswith(want):
                    yield Completion(word, start, display_meta=meta)
        elif sug.command == "pager" and not sug.args:
            for word, meta in PAGER_MODES.items():
                if word.startswith(want):
                    yield Completion(word, start, display_meta=meta)
        elif sug.command == "connect":
            if not sug.args:
                for name, url in sorted(self.profiles().items()):
                    if name.lower().startswith(want):
                        yield Completion(name, start, display_meta=url or "profile")
            elif "://" in sug.args[0] and not sug.args[-1].startswith("--"):
                for word, meta in (("--routes", "a routes file, or labstep"),
                                   ("--spec", "an OpenAPI document")):  # fmt: skip
                    if word.startswith(want):
                        yield Completion(word, start, display_meta=meta)
        elif sug.command in ("set", "unset") and not sug.args:
            suffix = "=" if sug.command == "set" else ""
            for name, value in self.state.variables.items():
                if name.lower().startswith(want):
                    yield Completion(name + suffix, start, display_meta=_preview(value))
        elif sug.command == "headers":
            yield from self._header(s.Header(sug.partial))


def _shown(completion: Completion) -> Completion:
    """``completion`` as the menu may show it: a path segment, a command name, an id's
    name come from the server, so their control characters are shown escaped
    (:func:`explorer.render.text.one_line`); the text inserted stays as it is."""
    display, meta = completion.display_text, completion.display_meta_text
    if not (has_control(display) or has_control(meta)):
        return completion
    return Completion(
        completion.text,
        completion.start_position,
        display=one_line(display),
        display_meta=one_line(meta),
        style=completion.style,
        selected_style=completion.selected_style,
    )


def _child_meta(child) -> str:
    methods = " ".join(sorted(child.methods))
    commands = ", ".join(child.commands)
    if methods and commands:
        return f"{methods} · {commands}"
    return methods or commands or "…"


def json_text(value: Any) -> str:
    return json.dumps(value)


def _enum_completions(operation, param: dict | None, partial: str, *, json: bool = False):
    """The enum values (or the const, or true/false) a spec parameter or field allows."""
    if param is None:
        return
    view = operation.view(param.get("schema"))
    values = list(view.enum or ())
    if view.has_const:
        values = [view.const]
    if not values and view.types == ["boolean"]:
        values = [True, False]
    want = partial.lower()
    for value in values[:MAX_SHOWN]:
        if isinstance(value, str) and not json:
            text = value
        elif isinstance(value, bool) and not json:
            text = "true" if value else "false"
        else:
            text = json_text(value)
        if text.lower().startswith(want):
            yield Completion(text, -len(partial), display_meta="enum" if view.enum else (
                "const" if view.has_const else "boolean"))


#: JSON types whose values are typed as ``name:=json`` (the rest as ``name=text``)
_JSON_TYPES = frozenset({"integer", "number", "boolean", "object", "array", "null"})


def _spec_body_fields(operation, want: str) -> dict[str, tuple[str, str]]:
    """Body fields of the spec's request schema, nested ones (``image[url]``) once
    their parent is typed, each with its separator and ``type, required`` meta."""
    out: dict[str, tuple[str, str]] = {}
    for f in operation.body_fields():
        if f.read_only:
            continue
        if f.depth and not want.startswith(f.path.split("[", 1)[0].lower()):
            continue
        view = operation.view(f.schema)
        kinds = set(view.types)
        text_like = not kinds or "string" in kinds or (
            view.enum is not None and all(isinstance(v, str) for v in view.enum))
        sep = "=" if text_like and not kinds & {"object", "array"} else ":="
        meta = (operation.type_text(f.schema) or "any") + (", required" if f.required else "")
        out[f.path] = (sep, meta)
    return out


def _answer_fields(operation) -> list[str]:
    """Top-level property names of the objects a GET answers (the items' of a list,
    or of a ``data``/``items`` list inside the answer), from the spec's 2xx schema."""
    for status in (200, 201, 206):
        declared, schema = operation.response_schema(status)
        if declared and schema is not None:
            break
    else:
        return []
    view = operation.view(schema)
    if "array" in view.types and view.items is not None:
        view = operation.view(view.items)
    else:
        def is_array(inner: Any) -> bool:
            inner_view = operation.view(inner)
            return "array" in inner_view.types and inner_view.items is not None

        key = list_key(view.properties, is_array)
        if key is not None:
            view = operation.view(operation.view(view.properties[key]).items)
    return list(view.properties)


def _schema_fields(schema: Any) -> list[str]:
    """Top-level property names of a response schema (the items' when it is a list)."""
    if not isinstance(schema, dict):
        return []
    properties = schema.get("properties")
    key = list_key(properties, _array_schema) if isinstance(properties, dict) else None
    if key is not None:
        schema = properties[key].get("items") or {}
    if schema.get("type") == "array":
        schema = schema.get("items") or {}
    props = schema.get("properties") if isinstance(schema, dict) else None
    return list(props) if isinstance(props, dict) else []


def _array_schema(schema: Any) -> bool:
    return isinstance(schema, dict) and schema.get("type") == "array"


def _preview(value: Any) -> str:
    from explorer.variables import as_text

    if isinstance(value, dict):
        return "{…}"
    if isinstance(value, list):
        return f"[{len(value)} items]"
    text = as_text(value)
    return text if len(text) <= 40 else text[:39] + "…"


def _arrived(fetch: Any) -> bool:
    """Whether ``fetch`` (a prefetch's future, or None when none was started) ended
    within :data:`FETCH_WAIT`.  The completer runs in prompt_toolkit's completion thread,
    so the wait never holds the prompt."""
    if fetch is None or not hasattr(fetch, "result"):
        return False
    try:
        fetch.result(timeout=FETCH_WAIT)
    except Exception:  # too slow, cancelled, or it failed (the prefetcher said why)
        return False
    return True

