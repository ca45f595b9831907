"""What responses taught the shell, kept per server so a new shell completes at once.

Four kinds of knowledge, each bounded:

* ids with their names per list path (``/public/v1/instruments`` -> ``{id: name}``),
  from any list answer seen and from the completer's background prefetches; the most
  recently seen are kept (:data:`MAX_IDS` per list, :data:`MAX_TOTAL_IDS` in all,
  :data:`MAX_COLLECTIONS` lists).  Ids go away too: a 2xx DELETE of ``list/ID``
  forgets ID (and the lists under it); a prefetched page that holds the whole list
  replaces the ids known for it; one that does not (the list is longer than a page)
  replaces the ids the previous prefetch brought, keeping those seen in other answers;
* field names per route pattern, as dotted paths into nested objects and arrays
  (``actions.action``), from the objects a route answered with;
* values per filter key and route (``family`` -> ``@LiquidHandler``,
  ``actions.action`` -> ``prime``, ``status`` -> ``busy``): the ones the user typed
  first, then the short categorical values seen in answers and prefetched pages,
  nested ones included (at most :data:`MAX_FIELDS` keys per route, :data:`MAX_VALUES`
  values per key, each kind).  Those seen in the data are forgotten when the data says
  so: an answer that holds the whole list (unfiltered, unpaged, or a page that is all of
  it) replaces the values seen for its route;
* body field names per method and route (``POST /public/v1/instruments``), from the
  bodies the user sent;
* how many items a list holds, when an answer says so (a ``total``, or the whole
  list answered at once), kept up to date by creates and deletes seen (``ls`` shows
  ``50 of 52 known ids``).

Stored in ``cache_dir()/learned/<server key>.json`` (JSON lines, see
:meth:`LearnedStore.save`; mode 0600 in 0700 directories: it holds names and e-mails),
written atomically (:func:`explorer.fileio.atomic_write`)
and only when something changed; each list is decoded only when first used.  A file that
cannot be read is ignored: this is a cache.  Thread-safe (background prefetches write
while the completer reads).  No prompt_toolkit here.
"""

from __future__ import annotations

import bisect
import hashlib
import json
import re
import threading
import time
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from explorer.client.urls import without_userinfo
from explorer.envelope import list_items
from explorer.fileio import atomic_write
from explorer.items.syntax import FILTER_SEPARATORS, SEP_DATA
from explorer.secrets import secret_field

FORMAT = 2
MAX_IDS = 50_000
MAX_TOTAL_IDS = 250_000
MAX_COLLECTIONS = 500
MAX_FIELDS = 300
MAX_ROUTES = 1_000
MAX_VALUES = 30
MAX_VALUE_LENGTH = 60
#: how many objects of one answer are walked for field names and values
SAMPLE = 50
#: how many objects of a whole list are walked for its values (more: values are added
#: from the first SAMPLE, never replaced, as the rest are not looked at)
WHOLE_SAMPLE = 1000
DEPTH = 4

_NAME_KEYS = ("name", "title", "username", "label")
# Values of these fields are unique per object: never worth offering as filter values.
_UNIQUE = re.compile(r"(^id$|Id$|_id$|At$|_at$|^name$|^description$|^title$|^path$|^url$)")
_RESERVED_QUERY = frozenset({"sort", "limit", "skip", "fields", "cursor", "count", "search"})
# A query component as sent: ``key=value``, or a filter item as written (``a>=1``);
# the operators are the items' filter separators, longest first, then ``=``.
_OPERATORS = (*FILTER_SEPARATORS, SEP_DATA)
_COMPONENT = re.compile(
    "([^{}]+)({})(.*)".format(
        re.escape("".join(sorted(set("".join(_OPERATORS))))), "|".join(map(re.escape, _OPERATORS))
    )
)


def server_key(base_url: str) -> str:
    """A readable, unique file name for a server: ``127.0.0.1_5123-1a2b3c4d`` (a URL's
    ``user:password@`` is no part of it)."""
    base_url = without_userinfo(base_url)
    parts = urlsplit(base_url)
    readable = re.sub(r"[^A-Za-z0-9.-]+", "_", (parts.netloc + parts.path).strip("/"))[:60]
    digest = hashlib.sha256(base_url.rstrip("/").encode()).hexdigest()[:8]
    return f"{readable or 'server'}-{digest}"


def field_paths(objects: Iterable[Any], *, depth: int = DEPTH) -> list[str]:
    """Dotted field paths in ``objects``, arrays of objects walked through."""
    seen: dict[str, None] = {}

    def walk(value: Any, prefix: str, level: int) -> None:
        if level >= depth:
            return
        if isinstance(value, list):
            for element in value[:5]:
                walk(element, prefix, level)
            return
        if not isinstance(value, Mapping):
            return
        for key, child in value.items():
            if not isinstance(key, str) or not key or "." in key:
                continue
            path = f"{prefix}.{key}" if prefix else key
            seen.setdefault(path, None)
            walk(child, path, level + 1)

    for obj in list(objects)[:SAMPLE]:
        walk(obj, "", 0)
    return list(seen)


class _Ids:
    """Ids of one list, with a sorted view for prefix search (rebuilt lazily).

    A list read from the file stays as its encoded bytes until something asks for it,
    so a store of 100,000 ids costs little memory when only one list is used.
    ``fetched`` are the ids the last background prefetch of the list brought.
    """

    __slots__ = ("_fetched", "_names", "_raw", "count", "sorted", "touched")

    def __init__(
        self,
        names: dict[str, str] | None = None,
        touched: float = 0.0,
        *,
        raw: bytes | None = None,
        count: int = 0,
    ) -> None:
        self._names = None if raw is not None else (names or {})
        self._fetched: set[str] = set()
        self._raw = raw
        self.count = count if raw is not None else len(self._names or {})
        self.sorted: list[str] | None = None
        self.touched = touched

    @property
    def names(self) -> dict[str, str]:
        if self._names is None:
            try:
                # [[ids], [names]] or, with the last prefetch's ids, [[ids], [names], [ids]]
                ids, names, *fetched = json.loads(self._raw or b"[[],[]]")
                self._names = {str(i): str(n) for i, n in zip(ids, names, strict=True)}
                known = self._names
                self._fetched = {str(i) for i in (fetched[0] if fetched else ())} & known.keys()
            except (ValueError, TypeError, IndexError):
                self._names = {}  # a damaged line is an empty list
                self._fetched = set()
            self._raw = None
            self.count = len(self._names)
        return self._names

    @property
    def fetched(self) -> set[str]:
        self.names  # noqa: B018 -- decodes the list (and its fetched ids) on first use
        return self._fetched

    def encode(self) -> bytes:
        if self._raw is not None:
            return self._raw
        names = self.names
        parts: list[Any] = [list(names), list(names.values())]
        if self._fetched:
            parts.append(sorted(self._fetched))
        return json.dumps(parts, ensure_ascii=False, separators=(",", ":")).encode()

    def add(self, ident: str, name: str) -> bool:
        names = self.names
        if names.get(ident) == name:
            return False
        names.pop(ident, None)
        names[ident] = name
        while len(names) > MAX_IDS:
            self._fetched.discard(next(iter(names)))
            del names[next(iter(names))]
        self.count = len(names)
        self.sorted = None
        return True

    def remove(self, ident: str) -> bool:
        names = self.names
        if ident not in names:
            return False
        del names[ident]
        self._fetched.discard(ident)
        self.count = len(names)
        self.sorted = None
        return True

    def mark_fetched(self, idents: set[str]) -> None:
        self.names  # noqa: B018 -- decoded first, so the file's fetched ids are replaced
        self._fetched = idents & set(self._names or ())

    def starting(self, prefix: str, limit: int) -> list[tuple[str, str]]:
        names = self.names
        if self.sorted is None:
            self.sorted = sorted(names)
        keys = self.sorted
        i = bisect.bisect_left(keys, prefix)
        out = []
        while i < len(keys) and len(out) < limit and keys[i].startswith(prefix):
            out.append((keys[i], names.get(keys[i], "")))
            i += 1
        return out


class LearnedStore:
    def __init__(self, path: Path | None = None, *, root: Path | None = None) -> None:
        self.path = path
        #: explorer's directory the file is under (kept 0700, see explorer.fileio)
        self.root = root
        self._lock = threading.RLock()
        #: one save at a time; readers never wait on it
        self._saving = threading.Lock()
        self._ids: dict[str, _Ids] = {}
        self._fields: dict[str, dict[str, None]] = {}
        #: values typed in queries, most recent first
        self._values: dict[str, dict[str, dict[str, None]]] = {}
        #: values seen in answers
        self._seen: dict[str, dict[str, dict[str, None]]] = {}
        self._body: dict[str, dict[str, None]] = {}
        self._fetched: dict[str, float] = {}
        self._totals: dict[str, int] = {}
        self.dirty = False
        #: the file is read on first use, so opening a store costs nothing at start-up
        self._loaded = path is None

    # -- persistence -------------------------------------------------------------------
    #
    # The file is lines: first a JSON object {"format", "fields", "values", "body"},
    # then one line per list, least recently used first:
    #     <collection as a JSON string> TAB <touched> TAB <count> TAB [[ids...],[names...]]
    # so a list is decoded only when it is used, and written back as it was read.

    @classmethod
    def for_server(cls, cache_dir: Path, base_url: str) -> LearnedStore:
        """The store of ``base_url``; its file is read on first use."""
        return cls(cache_dir / "learned" / f"{server_key(base_url)}.json", root=cache_dir)

    def load(self) -> None:
        """Read the file now (what is already learned in memory wins)."""
        with self._lock:
            self._loaded = True
            if self.path is None:
                return
            try:
                lines = self.path.read_bytes().split(b"\n")
                meta = json.loads(lines[0])
            except (OSError, ValueError):
                return
            if not isinstance(meta, dict) or meta.get("format") != FORMAT:
                return
            try:
                self._load(meta, lines[1:])
            except (TypeError, ValueError, AttributeError):
                self._reset()  # a damaged cache is an empty one

    def _ensure(self) -> None:
        if not self._loaded:
            self.load()

    def _reset(self) -> None:
        self._totals.clear()
        self._ids.clear()
        self._fields.clear()
        self._values.clear()
        self._seen.clear()
        self._body.clear()

    def _load(self, meta: dict, lines: list[bytes]) -> None:
        loaded: dict[str, _Ids] = {}
        for line in lines:
            parts = line.split(b"\t", 3)
            if len(parts) != 4:
                continue
            try:
                collection = json.loads(parts[0])
                touched, count = float(parts[1]), int(parts[2])
            except ValueError:
                continue
            if isinstance(collection, str) and collection not in self._ids:
                loaded[collection] = _Ids(touched=touched, raw=parts[3], count=count)
        loaded.update(self._ids)  # what this process learned is the most recent
        self._ids = loaded
        for table, key in ((self._fields, "fields"), (self._body, "body")):
            for route, names in meta.get(key, {}).items():
                table.setdefault(route, dict.fromkeys(map(str, names)))
        for table, name in ((self._values, "values"), (self._seen, "seen")):
            for route, keys in meta.get(name, {}).items():
                mine = table.setdefault(route, {})
                for key, values in keys.items():
                    mine.setdefault(key, dict.fromkeys(map(str, values)))
        for collection, total in meta.get("totals", {}).items():
            if isinstance(total, int) and not isinstance(total, bool) and total >= 0:
                self._totals.setdefault(str(collection), total)

    def save(self) -> bool:
        """Write the store when it changed; False when there was nothing to write.

        The lock readers take is held only to copy the small tables and to encode one
        list at a time, never while the disk is written or synced: the completer does
        not stall behind a save.  What is learned meanwhile leaves the store dirty.
        """
        if self.path is None or not self.dirty:
            return False
        with self._saving:
            with self._lock:
                if not self.dirty:
                    return False
                self._ensure()
                meta = {
                    "format": FORMAT,
                    "fields": {k: list(v) for k, v in self._fields.items()},
                    "values": {
                        r: {k: list(v) for k, v in keys.items()}
                        for r, keys in self._values.items()
                    },
                    "seen": {
                        r: {k: list(v) for k, v in keys.items()} for r, keys in self._seen.items()
                    },
                    "body": {k: list(v) for k, v in self._body.items()},
                    "totals": dict(self._totals),
                }
                lists = list(self._ids.items())
                self.dirty = False
            try:
                # Written list by list: no joined copy of a large store.
                atomic_write(self.path, self._lines(meta, lists), root=self.root)  # 0600
            except BaseException:
                self.dirty = True
                raise
        return True

    def _lines(self, meta: dict, lists: list[tuple[str, _Ids]]) -> Iterator[bytes]:
        yield json.dumps(meta, ensure_ascii=False, separators=(",", ":")).encode() + b"\n"
        for collection, ids in lists:
            key = json.dumps(collection, ensure_ascii=True).encode()
            with self._lock:  # a list is encoded whole, between two changes
                body = ids.encode()
                head = b"\t".join([key, repr(ids.touched).encode(), str(ids.count).encode(), b""])
            yield head
            yield body
            yield b"\n"

    # -- learning ----------------------------------------------------------------------

    def learn_exchange(
        self,
        *,
        method: str,
        path: str,
        route: str | None,
        query: Iterable[str] = (),
        request_body: Any = None,
        status: int,
        body: Any,
        created: bool = False,
    ) -> None:
        """Everything one request and its parsed JSON answer can teach.

        ``created``: the request made a new object in the list at ``path`` (a POST to a
        collection).  Only then is an answer's id filed under the path posted to: an
        action (``.../:cid/kill``, ``.../login``) answers with some other object.
        """
        path = _clean(path)
        method = method.upper()
        if method == "DELETE" and 200 <= status < 300:
            self.forget(path)
            return
        if route and method in ("POST", "PUT", "PATCH") and isinstance(request_body, Mapping):
            self.learn_body_fields(f"{method} {route}", request_body.keys())
        if route:
            self.learn_query(route, query)
        if not 200 <= status < 300 or body is None:
            return
        items = list_items(body)
        objects: list[Any]
        whole = False
        if items is not None and method == "GET":
            objects = [o for o in items[:SAMPLE] if isinstance(o, Mapping)]
            self.learn_ids(path, objects)
            total = _list_total(body, items, query)
            self.learn_total(path, total)
            # the whole list, every field of it: what it lacks is gone
            whole = total == len(items) and not _filtered(query, keep=("sort",))
        elif isinstance(body, Mapping) and "id" in body:
            objects = [body]
            ident = str(body["id"])
            parent, _, last = path.rpartition("/")
            if unquote(last) == ident and parent:
                self.learn_ids(parent, objects)
            elif created:
                self.learn_ids(path, objects)
                self._count_change(path, +1)
        else:
            return
        if route and method == "GET":
            self.learn_fields(route, field_paths(objects))
            if whole and items is not None:
                self.learn_seen(route, items, whole=True)
            else:
                self.learn_seen(route, objects)

    def learn_ids(
        self,
        collection: str,
        objects: Iterable[Any],
        *,
        fetched: bool = False,
        complete: bool = False,
    ) -> None:
        """Learn the ids (and names) of ``objects``, in the list at ``collection``.

        ``fetched``: they are a background prefetch's page, which replaces the ids the
        previous prefetch brought; ``complete``: that page is the whole list, and
        replaces every id known for it.
        """
        collection = _clean(collection)
        pairs: dict[str, str] = {}
        for obj in objects:
            if not isinstance(obj, Mapping) or obj.get("id") in (None, ""):
                continue
            ident = obj["id"]
            if isinstance(ident, dict | list):
                continue
            name = next((obj[k] for k in _NAME_KEYS if isinstance(obj.get(k), str)), "")
            pairs[str(ident)] = name
        with self._lock:
            self._ensure()
            # Lists are kept least recently used first: this one moves to the end.
            ids = self._ids.pop(collection, None) or _Ids()
            self._ids[collection] = ids
            changed = False
            if fetched:
                gone = set(ids.names) if complete else set(ids.fetched)
                for ident in gone - pairs.keys():
                    changed |= ids.remove(ident)
            for ident, name in pairs.items():
                changed |= ids.add(ident, name)
            if fetched:
                before = set(ids.fetched)
                ids.mark_fetched(set(pairs))
                changed |= before != ids.fetched
                self._fetched[collection] = time.monotonic()
                if complete and self._totals.get(collection) != len(pairs):
                    self._totals[collection] = len(pairs)
                    changed = True
            ids.touched = time.time()
            self._bound(collection)
            self.dirty |= changed

    def forget(self, path: str) -> None:
        """``path`` was deleted: its id leaves its list, and the lists under it go."""
        path = _clean(path)
        parent, _, ident = path.rpartition("/")
        with self._lock:
            self._ensure()
            ids = self._ids.get(parent or "/")
            if ids is not None and ident and ids.remove(ident):
                self.dirty = True
                self._count_change(parent or "/", -1)
            if self._totals.pop(path, None) is not None:
                self.dirty = True
            inside = path.rstrip("/") + "/"
            for collection in [c for c in self._ids if c == path or c.startswith(inside)]:
                del self._ids[collection]
                self._fetched.pop(collection, None)
                self.dirty = True

    def learn_total(self, collection: str, total: int | None) -> None:
        """The list at ``collection`` holds ``total`` items (None: not known)."""
        if total is None:
            return
        collection = _clean(collection)
        with self._lock:
            self._ensure()
            if self._totals.get(collection) == total:
                return
            if collection not in self._totals and len(self._totals) >= MAX_COLLECTIONS:
                self._totals.pop(next(iter(self._totals)))
            self._totals[collection] = total
            self.dirty = True

    def _count_change(self, collection: str, step: int) -> None:
        total = self._totals.get(collection)
        if total is not None:
            self._totals[collection] = max(total + step, 0)
            self.dirty = True

    def _bound(self, keep: str) -> None:
        """Forget the least recently used lists beyond the limits (never ``keep``)."""
        total = sum(ids.count for ids in self._ids.values())
        for collection in list(self._ids):
            if len(self._ids) <= MAX_COLLECTIONS and total <= MAX_TOTAL_IDS:
                return
            if collection != keep:
                total -= self._ids.pop(collection).count
                self.dirty = True

    def learn_fields(self, route: str, paths: Iterable[str]) -> None:
        with self._lock:
            self._ensure()
            self.dirty |= _add(self._fields, route, paths, MAX_FIELDS)

    def learn_body_fields(self, route_key: str, names: Iterable[str]) -> None:
        with self._lock:
            self._ensure()
            self.dirty |= _add(self._body, route_key, (str(n) for n in names), MAX_FIELDS)

    def learn_query(self, route: str, components: Iterable[str]) -> None:
        """Filter values the user typed (``family=@LiquidHandler``), most recent first."""
        for component in components:
            m = _COMPONENT.fullmatch(unquote(component))
            if m is None or not m.group(3) or m.group(1) in _RESERVED_QUERY:
                continue
            if secret_field(m.group(1)):
                continue  # a credential typed as a parameter is never kept
            self.learn_value(route, m.group(1), m.group(3), first=True)

    def learn_value(self, route: str, key: str, value: str, *, first: bool = False) -> None:
        if len(value) > MAX_VALUE_LENGTH:
            return
        with self._lock:
            self._ensure()
            keys = self._values.get(route)
            if keys is None:
                if len(self._values) >= MAX_ROUTES:
                    return
                keys = self._values[route] = {}
            if key not in keys and len(keys) >= MAX_FIELDS:
                return
            values = keys.setdefault(key, {})
            if value in values and not first:
                return
            if first:
                merged = {value: None}
                merged.update((v, None) for v in values if v != value)
                keys[key] = values = merged
            else:
                values[value] = None
            while len(values) > MAX_VALUES:
                del values[next(reversed(values))]
            self.dirty = True

    def learn_seen(self, route: str, objects: list[Any], *, whole: bool = False) -> None:
        """The categorical values in ``objects``, answered at ``route``; ``whole``: they
        are the whole list, so what they no longer hold is forgotten (see the module
        docstring)."""
        whole = whole and len(objects) <= WHOLE_SAMPLE
        found: dict[str, dict[str, None]] = {}
        for key, value in _string_leaves(objects[:WHOLE_SAMPLE] if whole else objects[:SAMPLE]):
            if len(value) > MAX_VALUE_LENGTH:
                continue
            if key not in found and len(found) >= MAX_FIELDS:
                continue
            values = found.setdefault(key, {})
            if len(values) < MAX_VALUES:
                values[value] = None
        with self._lock:
            self._ensure()
            keys = self._seen.get(route)
            if keys is None:
                if len(self._seen) >= MAX_ROUTES:
                    return
                keys = self._seen[route] = {}
            if whole:
                if keys != found:
                    self._seen[route] = found
                    self.dirty = True
                return
            for key, values in found.items():
                if key not in keys and len(keys) >= MAX_FIELDS:
                    continue
                mine = keys.setdefault(key, {})
                for value in values:
                    if value not in mine and len(mine) < MAX_VALUES:
                        mine[value] = None
                        self.dirty = True

    # -- reading -----------------------------------------------------------------------

    def ids(self, collection: str, prefix: str = "", *, limit: int = 200) -> list[tuple[str, str]]:
        """``(id, name)`` pairs of the list at ``collection`` whose id starts with ``prefix``;
        when none does, those whose name contains it (case-insensitive)."""
        with self._lock:
            self._ensure()
            ids = self._ids.get(_clean(collection))
            if ids is None:
                return []
            found = ids.starting(prefix, limit)
            if found or not prefix or len(ids.names) > 5_000:
                return found
            needle = prefix.lower()
            return [(i, n) for i, n in ids.names.items() if needle in n.lower()][:limit]

    def count(self, collection: str) -> int:
        """How many ids of the list at ``collection`` are known (the list is not decoded)."""
        with self._lock:
            self._ensure()
            ids = self._ids.get(_clean(collection))
            return ids.count if ids is not None else 0

    def total(self, collection: str) -> int | None:
        """How many items the list at ``collection`` holds, when an answer said so."""
        with self._lock:
            self._ensure()
            return self._totals.get(_clean(collection))

    def fetched_ago(self, collection: str) -> float | None:
        """Seconds since this process last prefetched ``collection`` (None: never)."""
        with self._lock:
            self._ensure()
            at = self._fetched.get(_clean(collection))
        return None if at is None else time.monotonic() - at

    def fields(self, route: str) -> list[str]:
        with self._lock:
            self._ensure()
            return list(self._fields.get(route, ()))

    def values(self, route: str, key: str) -> list[str]:
        """Values for the filter ``key`` at ``route``: typed ones first, then seen ones."""
        with self._lock:
            self._ensure()
            typed = self._values.get(route, {}).get(key, {})
            seen = self._seen.get(route, {}).get(key, {})
            return [*typed, *(v for v in seen if v not in typed)]

    def knows(self, collection: str, ident: str) -> bool:
        """Whether ``ident`` is a known id of the list at ``collection``."""
        return self.name_of(collection, ident) is not None

    def name_of(self, collection: str, ident: str) -> str | None:
        """The name of ``ident`` in the list at ``collection`` ("" when it has none;
        None when the id is not known there)."""
        with self._lock:
            self._ensure()
            ids = self._ids.get(_clean(collection))
            return ids.names.get(ident) if ids is not None else None

    def has_seen(self, route: str) -> bool:
        """Whether any answer at ``route`` taught values (a prefetch of them is moot)."""
        with self._lock:
            self._ensure()
            return route in self._seen

    def names(
        self, collection: str, prefix: str = "", *, limit: int = 200
    ) -> list[tuple[str, str]]:
        """``(name, id)`` of the list at ``collection`` whose name starts with ``prefix``
        (case-insensitive), one per name, sorted by name."""
        want = prefix.lower()
        with self._lock:
            self._ensure()
            ids = self._ids.get(_clean(collection))
            if ids is None:
                return []
            found: dict[str, str] = {}
            for ident, name in ids.names.items():
                if name and name.lower().startswith(want):
                    found.setdefault(name, ident)
        return sorted(found.items(), key=lambda pair: pair[0].lower())[:limit]

    def body_fields(self, route_key: str) -> list[str]:
        with self._lock:
            self._ensure()
            return list(self._body.get(route_key, ()))


def _string_leaves(objects: Iterable[Any], *, depth: int = DEPTH) -> Iterator[tuple[str, str]]:
    """``(dotted key, value)`` for the short categorical strings in ``objects``, nested
    objects and arrays of objects walked through as :func:`field_paths` does; a key
    whose last part names something unique (``id``, ``name``, ``updatedAt``...) or a
    secret is skipped."""

    def walk(value: Any, prefix: str, level: int) -> Iterator[tuple[str, str]]:
        if level >= depth:
            return
        if isinstance(value, list):
            for element in value[:5]:
                if isinstance(element, Mapping):
                    yield from walk(element, prefix, level)
            return
        for key, child in value.items():
            if not isinstance(key, str) or not key or "." in key or secret_field(key):
                continue
            path = f"{prefix}.{key}" if prefix else key
            if isinstance(child, str):
                if child and not _UNIQUE.search(key):
                    yield path, child
            elif isinstance(child, Mapping | list):
                yield from walk(child, path, level + 1)

    for obj in objects:
        if isinstance(obj, Mapping):
            yield from walk(obj, "", 0)


#: query keys that leave the whole list in the answer
_WHOLE_LIST_KEYS = frozenset({"sort", "fields"})


def _filtered(query: Iterable[str], *, keep: Iterable[str] = _WHOLE_LIST_KEYS) -> bool:
    """Whether the query narrows the answer (any key but those in ``keep``)."""
    kept = frozenset(keep)
    for component in query:
        key = re.split(r"[=<>!]", unquote(component), maxsplit=1)[0]
        if key not in kept:
            return True
    return False


def _list_total(body: Any, items: list, query: Iterable[str]) -> int | None:
    """How many items the list holds, by this answer: its ``total``, or the number of
    items when the query neither filtered nor paged it (only ``sort``, ``fields``)."""
    if isinstance(body, Mapping):
        total = body.get("total")
        if isinstance(total, int) and not isinstance(total, bool) and total >= 0:
            return total
    return None if _filtered(query) else len(items)


def _add(table: dict[str, dict[str, None]], key: str, names: Iterable[str], cap: int) -> bool:
    if key not in table and len(table) >= MAX_ROUTES:
        return False
    bucket = table.setdefault(key, {})
    changed = False
    for name in names:
        if name not in bucket and len(bucket) < cap:
            bucket[name] = None
            changed = True
    return changed


def _clean(path: str) -> str:
    path = path.partition("?")[0]
    path = unquote(path)
    if len(path) > 1:
        path = path.rstrip("/")
    return path or "/"
