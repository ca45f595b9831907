"""The route watcher: keeps the shell's routes as current as the server's.

The server can add routes while the shell is open (the sandbox's
``post /_sandbox/families/samples``); the watcher decides when to ask again:

* **At start-up** the routes come from the discovery cache when there is one
  (:meth:`RouteWatcher.load`); a stale cache is revalidated at once, in a thread.
* **On a miss**: a path or command the registry does not know makes the engine refetch
  the routes (rate-limited: at most every few seconds, see
  :meth:`explorer.discovery.Discovery.refetch_on_miss`).  The shell hears of a change
  through :meth:`explorer.cli.context.Context.subscribe_routes`, says what changed, and
  tells the watcher (:meth:`RouteWatcher.routes_updated`), as ``refresh`` does: the
  routes are current, so the next periodic check moves.
* **After a write to a path no route serves** (:meth:`RouteWatcher.check_soon`): the
  server may have added routes; they are revalidated in the background now.
* **Periodically**: a thread (:meth:`RouteWatcher.start`) revalidates the routes when
  they get older than the ``discovery_ttl`` setting; after a failed check the wait
  doubles each time (up to :data:`MAX_CHECK_BACKOFF`, or the TTL when longer).

A revalidation that changed the routes calls ``on_change`` (the prompt loop swaps in a
new completer) and ``announce`` with one line saying what was added and removed; a
failure is a warning.  Only one revalidation runs at a time.  No prompt_toolkit.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

#: the shortest wait between two background checks of the routes (seconds)
MIN_CHECK_EVERY = 1.0
#: after failed checks the wait doubles, up to this (or the TTL when longer)
MAX_CHECK_BACKOFF = 3600.0


class RouteWatcher:
    def __init__(
        self,
        context: Callable[[], object],
        *,
        on_change: Callable[[], None],
        announce: Callable[[str], None],
        warn: Callable[[str], None],
        on_state: Callable[[], None] = lambda: None,
    ) -> None:
        #: the context now (``connect`` replaces it)
        self._context = context
        self._on_change = on_change
        self._announce = announce
        self._warn = warn
        #: a check started or ended (the toolbar shows ``refreshing``)
        self._on_state = on_state
        self._revalidating = threading.Lock()
        self._closing = threading.Event()
        self.refreshing = False
        #: time.monotonic() when the routes in hand were last fetched or revalidated
        self._checked_at = time.monotonic()
        self._failures = 0
        #: how many checks have ended (:meth:`wait_for_check` waits for the next)
        self.checks = 0
        self._ended = threading.Condition()

    def load(self, *, cached_only: bool = False) -> bool:
        """Load the routes (the cache first, however old: the prompt is up already);
        a stale cache is revalidated in the background.  ``cached_only``: only from the
        cache, when it answers alone (:meth:`explorer.discovery.Discovery.load_cached`);
        False when it does not."""
        context = self._context()
        if cached_only:
            if context.discovery.load_cached() is None:
                return False
        else:
            context.load_routes(required=False, revalidate=False)
        self._checked_at = time.monotonic() - self._cache_age()
        if context.discovery.state == "stale":
            self.check_soon()
        return True

    def _cache_age(self) -> float:
        """How old the cached routes in hand are (0 when they were just fetched)."""
        discovery = self._context().discovery
        if discovery.state not in ("cached", "stale") or discovery.cache is None:
            return 0.0
        try:
            written = discovery.cache.meta_path.stat().st_mtime  # fetched or revalidated
        except OSError:
            return 0.0
        return max(0.0, time.time() - written)

    def revalidate(self) -> None:
        """Check the routes against the server now (from a background thread); a
        change is announced in one line and handed to ``on_change``.  Returns at once
        when a check is already running."""
        if not self._revalidating.acquire(blocking=False):
            return
        self.refreshing = True
        self._on_state()
        try:
            discovery = self._context().discovery
            self._checked_at = time.monotonic()
            change = discovery.revalidate()
            self._failures = self._failures + 1 if discovery.state == "offline" else 0
            if change:
                from explorer.repl.commands import change_note

                self._on_change()
                self._announce(change_note(change, discovery.registry))
        except Exception as exc:  # a background failure is a warning
            self._failures += 1
            self._warn(f"could not revalidate the routes: {exc}")
        finally:
            self.refreshing = False
            self._revalidating.release()
            self._on_state()
            with self._ended:
                self.checks += 1
                self._ended.notify_all()

    def wait_for_check(self, after: int, timeout: float) -> bool:
        """Block until more than ``after`` checks have ended (:attr:`checks`), or
        ``timeout`` seconds passed (False)."""
        with self._ended:
            return self._ended.wait_for(lambda: self.checks > after, timeout)

    def check_soon(self) -> None:
        """Revalidate in the background now (a write to an unknown path went through,
        or the cache is stale)."""
        thread = threading.Thread(target=self.revalidate, name="explorer-revalidate")
        thread.daemon = True
        thread.start()

    def routes_updated(self) -> None:
        """``refresh``, or the engine's refetch on a miss, brought the routes up to
        date: the next periodic check is a TTL from now."""
        self._checked_at = time.monotonic()
        self._failures = 0

    def start(self) -> None:
        """Start the thread that revalidates the routes when they get older than the
        TTL; it ends with :meth:`close`."""
        thread = threading.Thread(target=self._watch, name="explorer-watch-routes")
        thread.daemon = True
        thread.start()

    def _watch(self) -> None:
        while not self._closing.is_set():
            due_in = self.due_in()
            if due_in > 0:
                # Woken at least each minute: a refresh meanwhile moves the next check.
                self._closing.wait(min(due_in, 60.0))
                continue
            if self.refreshing:  # the start-up revalidation is still running
                self._closing.wait(MIN_CHECK_EVERY)
                continue
            self.revalidate()

    def due_in(self) -> float:
        """Seconds until the next periodic check (0 or less: due now)."""
        ttl = self._context().discovery.ttl
        wait = ttl
        if self._failures:
            wait = min(ttl * 2 ** min(self._failures, 16), max(ttl, MAX_CHECK_BACKOFF))
        wait = max(wait, MIN_CHECK_EVERY)
        return self._checked_at + wait - time.monotonic()

    def close(self) -> None:
        """End the periodic check (a revalidation under way finishes in its thread)."""
        self._closing.set()
