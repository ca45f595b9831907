"""Turning a source into a registry: cache first, the network only when needed.

* A local source (a routes file, a spec file) is checked against the file on disk
  every time (a stat); the cached index is used while the file is unchanged.
* A fresh cache entry of a remote source (younger than the TTL) is used as is: no
  request at all.
* A stale one is revalidated (``If-None-Match``); 304 renews it.  When the server
  cannot be reached, or answers nonsense, the cached copy is used with a warning.
* No cache entry: fetch, and a failure is an error.
* :meth:`Discovery.refetch_on_miss` is what a caller does when the user names a path
  or command the registry does not know: a conditional fetch on every such miss, but
  none when this process fetched, revalidated or tried in the last :data:`MISS_EVERY`
  seconds (the answer would be the same), unless a write went through since
  (:meth:`Discovery.note_write`: a POST may have switched routes on).  So an endpoint
  the server added while the shell runs works on first use, a cold cache costs one
  fetch, not two, and a script full of unknown paths costs a fetch every few seconds.
* :meth:`Discovery.refresh` forces a fetch and reports what was added and removed
  since the cache (or the registry in hand); it reads the cache, never fetches twice.
* ``offline=True`` (``--offline``, ``--curl``: nothing may be sent): a remote source is
  never fetched; the cached routes are used however old, and without any a load is a
  :class:`DiscoveryError` saying so.  Local files are still read.

Thread-safe: the shell revalidates in a background thread while the prompt is up.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from explorer.discovery.cache import CacheEntry, DiscoveryCache
from explorer.discovery.sources import Source
from explorer.errors import DiscoveryError, TransportError
from explorer.record import Record
from explorer.registry import Registry, Route

#: seconds after a fetch, revalidation or refetch in which refetch_on_miss() sends nothing
MISS_EVERY = 3.0


class Change(Record):
    """The routes a refresh added and removed; ``initial``: nothing was known before
    (no cache), so every route counts as added."""

    __slots__ = ("added", "initial", "removed")
    _fields = ("added", "removed", "initial")

    def __init__(self, added: list[Route] | None = None, removed: list[Route] | None = None,
                 initial: bool = False) -> None:
        self.added: list[Route] = [] if added is None else added
        self.removed: list[Route] = [] if removed is None else removed
        self.initial = initial

    def __bool__(self) -> bool:
        return bool(self.added or self.removed)

    def lines(self) -> list[str]:
        if self.initial:
            count = len(self.added)
            return [f"{count} route{'s' if count != 1 else ''} fetched (none were cached)"]
        return [f"+ {r.method} {r.path}" for r in self.added] + [
            f"- {r.method} {r.path}" for r in self.removed
        ]


def _ago(seconds: float) -> str:
    if seconds < 90:
        return f"{seconds:.0f} s ago"
    if seconds < 5400:
        return f"{seconds / 60:.0f} min ago"
    if seconds < 129600:
        return f"{seconds / 3600:.0f} h ago"
    return f"{seconds / 86400:.0f} days ago"


def _handed_over(routes: list[Route]):
    """The routes one by one, each let go by the list as it is taken: the registry
    keeps what it needs of them, so the listing is not held twice while it is built."""
    routes.reverse()
    while routes:
        yield routes.pop()


#: warnings about single routes shown per fetch; the rest are counted in one line
MAX_ROUTE_WARNINGS = 10


class _Capped:
    """Passes the first :data:`MAX_ROUTE_WARNINGS` warnings on and counts the rest
    (a listing of 100,000 bad entries is one screen of warnings, not 100,000 lines)."""

    def __init__(self, warn: Callable[[str], None]) -> None:
        self.warn = warn
        self.count = 0

    def __call__(self, message: str) -> None:
        self.count += 1
        if self.count <= MAX_ROUTE_WARNINGS:
            self.warn(message)

    def finish(self, where: str) -> None:
        if self.count > MAX_ROUTE_WARNINGS:
            more = self.count - MAX_ROUTE_WARNINGS
            self.warn(f"{where}: {more:,} more route{'s' if more > 1 else ''} skipped")


class Discovery:
    def __init__(
        self,
        client,
        source: Source,
        *,
        cache: DiscoveryCache | None,
        ttl: float = 3600.0,
        warn: Callable[[str], None] = lambda message: None,
        offline: bool = False,
    ) -> None:
        #: the client that fetches, or a function making it on the first fetch (routes
        #: the cache answers need none: see :attr:`client`)
        self._client = client
        self.source = source
        #: never fetch a remote source (see the module docstring)
        self.offline = offline and not source.local
        self.cache = cache
        self.ttl = ttl
        self.warn = warn
        self.registry: Registry | None = None
        #: "cached", "fetched", "revalidated", "offline", "stale" (background revalidation due)
        self.state = "not loaded"
        self._lock = threading.RLock()
        #: a write went through since the last fetch (the routes may have changed)
        self._written = False
        #: time.monotonic() of this process's last fetch, revalidation or refetch attempt
        self._checked_at: float | None = None
        self._entry: CacheEntry | None = None

    @property
    def client(self):
        """The client fetches go through (made on first use when given as a function:
        a shell whose routes come from the cache has not loaded the HTTP stack yet)."""
        client = self._client
        if callable(client):
            client = self._client = client()
        return client

    # -- loading -----------------------------------------------------------------------

    def load(self, *, revalidate: bool = True) -> Registry:
        """The registry, from the cache when it is fresh; see the module docstring.

        With ``revalidate=False`` a stale entry is used at once and :attr:`state` is
        ``"stale"``; the caller is expected to call :meth:`revalidate` in the background.
        """
        with self._lock:
            entry = self.cache.read() if self.cache else None
            self._entry = entry
            if self.offline:
                if entry is None:
                    raise DiscoveryError(
                        f"{self.source.describe()}: no routes cached, and nothing is sent "
                        "offline (run one command without --offline or --curl first)")
                return self._use(entry.registry, "cached")
            if entry is not None and self.source.local:
                return self._fetch(entry)  # a stat tells whether the cached index holds
            if entry is not None and entry.age < self.ttl:
                return self._use(entry.registry, "cached")
            if entry is not None and not revalidate:
                return self._use(entry.registry, "stale")
            if entry is not None:
                try:
                    return self._fetch(entry)
                except (TransportError, DiscoveryError) as exc:
                    self.warn(f"{exc}; using the routes cached {_ago(entry.age)}")
                    return self._use(entry.registry, "offline")
            return self._fetch(None)

    def load_cached(self) -> Registry | None:
        """The registry when the cache answers alone, as :meth:`load` with
        ``revalidate=False`` would: no request, no read of a changed file, no parse
        (None: then only :meth:`load` can tell).  The shell loads so before its first
        keystroke is read: what the cache holds is there at once."""
        with self._lock:
            entry = self.cache.read() if self.cache else None
            if entry is None or (self.source.local and not self.source.unchanged(entry.validator)):
                return None
            self._entry = entry
            if self.source.local:  # checked against the disk now, as a load does
                self._checked_at = time.monotonic()
                self._written = False
                return self._use(entry.registry, "cached")
            if self.offline or entry.age < self.ttl:
                return self._use(entry.registry, "cached")
            return self._use(entry.registry, "stale")

    def revalidate(self) -> Change:
        """Check a stale registry against the server (for background threads).

        Failures keep the current registry and are reported through ``warn``.
        """
        with self._lock:
            before = self.registry
            try:
                self._fetch(self._entry)
            except (TransportError, DiscoveryError) as exc:
                self.warn(f"{exc}; keeping the cached routes")
                self.state = "offline"
                return Change()
            return self._change(before)

    def refresh(self) -> Change:
        """Fetch regardless of the cache's validator; report what changed since the
        registry in hand, or else the cached one (read, not fetched)."""
        with self._lock:
            before = self.registry
            if before is None and self.cache is not None:
                cached = self.cache.read()
                before = cached.registry if cached is not None else None
            self._fetch(None)
            return self._change(before)

    def refetch_on_miss(self) -> Change | None:
        """A conditional fetch for a path or command the registry does not know,
        rate-limited (see the module docstring).

        Returns the change (empty when the server says nothing changed), or None when
        nothing was fetched: this process fetched or tried moments ago and nothing was
        written since, or the fetch failed (with a warning).
        """
        with self._lock:
            if self.offline:
                return None
            now = time.monotonic()
            recent = self._checked_at is not None and now - self._checked_at < MISS_EVERY
            if recent and not self._written:
                return None
            self._written = False
            self._checked_at = now  # a failure waits its turn too
            before = self.registry
            try:
                self._fetch(self._entry)
            except (TransportError, DiscoveryError) as exc:
                self.warn(f"could not refresh the routes: {exc}")
                return None
            return self._change(before)

    def note_write(self) -> None:
        """A write (POST, PUT, PATCH, DELETE) went through: the next miss may refetch
        at once, as the server may have added routes (a family switched on)."""
        self._written = True

    # -- internals ---------------------------------------------------------------------

    def _fetch(self, entry: CacheEntry | None) -> Registry:
        local = self.source.local
        client = None if local else self.client  # a file is read without one
        fetched = self.source.fetch(client, entry.validator if entry else None)
        self._checked_at = time.monotonic()
        self._written = False
        if fetched.raw is None and entry is not None:
            if self.cache and not local:
                self.cache.touch(entry)
            return self._use(entry.registry, "cached" if local else "revalidated")
        if fetched.raw is None:
            raise DiscoveryError(f"{self.source.describe()}: nothing to read")
        warn = _Capped(self.warn)
        raw, fetched.raw = fetched.raw, None
        routes = self.source.parse(raw, warn)
        del raw  # a big document's bytes are not held while the registry is built
        listed = len(routes)
        registry = Registry(_handed_over(routes), on_warning=warn)
        warn.finish(self.source.describe())
        if not len(registry) and listed:
            raise DiscoveryError(f"{self.source.describe()}: none of its routes could be used")
        entry = CacheEntry(fetched.validator, time.time(), registry)
        if self.cache:
            try:
                entry = self.cache.write(fetched.validator, registry)
            except OSError as exc:
                self.warn(f"cannot write the discovery cache: {exc.strerror}")
        self._entry = entry
        return self._use(registry, "fetched")

    def _use(self, registry: Registry, state: str) -> Registry:
        self.registry = registry
        self.state = state
        return registry

    def _change(self, before: Registry | None) -> Change:
        after = self.registry
        if before is None or after is None:
            routes = (
                {(e.route.method, e.route.path): e.route for e in after.entries} if after else {}
            )
            return Change(added=list(routes.values()), initial=before is None)
        added, removed = after.diff(before)
        return Change(added=added, removed=removed)
