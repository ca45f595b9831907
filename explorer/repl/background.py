"""Work the shell does behind the prompt, so typing never waits on the network.

:class:`Prefetcher`: when completion reaches a list whose ids are unknown (or were
fetched long ago), fetch a small page of it (``fields=name&limit=50``, or ``count=50``
for routes that declare cursor paging) with its own short timeout, on one worker
thread, and teach the ids and names to the learned store.  A page that holds the
whole list replaces the ids known for it (see :meth:`LearnedStore.learn_ids`).  When
completion reaches a filter value (``status=``) of a list whose values were never
seen, one page of whole objects is fetched instead (``full``: no ``fields``), which
teaches the values in them too (:meth:`LearnedStore.learn_seen`).

Each fetch carries the headers a request typed now would carry (``headers``, read
at the time of the fetch: the shell's ``headers apikey:...`` included).  What the
server or the network does wrong is quiet here: a failed prefetch is retried after a
while, and one the server refused (401, 403) as soon as those headers change.  Any
other failure (a bug) is reported through ``warn`` (the shell's: the context's
warning path), one line each.  Nothing raises into the prompt.  No prompt_toolkit.
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
from collections.abc import Callable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor

from explorer.client.models import RequestSpec
from explorer.envelope import list_items
from explorer.errors import ExplorerError
from explorer.repl.learned import LearnedStore, field_paths

#: a list is fetched again after this many seconds
REFETCH_AFTER = 300.0
#: a failed fetch is tried again after this many seconds
RETRY_AFTER = 30.0
PAGE = 50


class Prefetcher:
    def __init__(
        self,
        *,
        client_factory: Callable[[], object],
        registry: Callable[[], object | None],
        learned: LearnedStore,
        warn: Callable[[str], None],
        on_fetched: Callable[[str], None] = lambda collection: None,
        refetch_after: float = REFETCH_AFTER,
        headers: Callable[[], Mapping[str, str]] = dict,
    ) -> None:
        self._client_factory = client_factory
        self._headers = headers
        self._client = None
        self._registry = registry
        self.learned = learned
        #: where an unexpected failure is reported (the shell: the context's warnings)
        self.warn = warn
        self.on_fetched = on_fetched
        self.refetch_after = refetch_after
        self._lock = threading.Lock()
        self._tried: dict[str, float] = {}
        #: lists the server refused (401/403), with the headers that were refused
        self._refused: dict[str, str] = {}
        self._pending: set[str] = set()
        #: the futures of the pending fetches, by key
        self._futures: dict[str, Future] = {}
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="explorer-prefetch")
        self._closed = False
        #: fetches that failed with an unexpected error (each one reported through warn)
        self.failures = 0

    def __call__(self, collection: str, *, full: bool = False) -> Future | None:
        """Ask for ``collection``'s ids (``full``: whole objects, for their values too);
        returns at once (the fetch runs in the background) with the fetch's future, or
        None when no fetch was started (one is pending, or it was tried lately)."""
        now = time.monotonic()
        key = f"{collection}\n" if full else collection
        with self._lock:
            if self._closed:
                return None
            if key in self._pending:
                return self._futures.get(key)  # the fetch already on its way
            tried = self._tried.get(key)
            if tried is not None and now - tried < min(self.refetch_after, RETRY_AFTER):
                refused = self._refused.get(collection)
                if refused is None or refused == self._fingerprint(self._headers()):
                    return None  # failed lately, and nothing changed that could help
            if full:
                if tried is not None and now - tried < self.refetch_after:
                    return None
            else:
                ago = self.learned.fetched_ago(collection)
                if ago is not None and ago < self.refetch_after:
                    return None
            self._pending.add(key)
            self._tried[key] = now
        try:
            future = self._pool.submit(self._run, collection, full, key)
        except RuntimeError:  # shut down meanwhile
            with self._lock:
                self._pending.discard(key)
            return None
        with self._lock:
            if key in self._pending:  # (not already done)
                self._futures[key] = future
        return future

    def wait(self, timeout: float = 10.0) -> bool:
        """Block until no fetch is pending (for tests); False on timeout."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                if not self._pending:
                    return True
            time.sleep(0.01)
        return False

    def close(self) -> None:
        with self._lock:
            self._closed = True
        self._pool.shutdown(wait=False, cancel_futures=True)
        client = self._client
        if client is not None:
            client.close()

    # -- the worker --------------------------------------------------------------------

    def _run(self, collection: str, full: bool = False, key: str | None = None) -> None:
        try:
            if self.fetch(collection, full=full):
                self.on_fetched(collection)
        except Exception as exc:  # a bug, not the server: said, and a later keystroke retries
            self.failures += 1
            self.warn(f"fetching the ids of {collection} failed: {type(exc).__name__}: {exc}")
        finally:
            with self._lock:
                self._pending.discard(key or collection)
                self._futures.pop(key or collection, None)

    def fetch(self, collection: str, *, full: bool = False) -> bool:
        """Fetch one page of ``collection`` now; True when ids were learned.  ``full``:
        whole objects, whose values are learned too."""
        from explorer.engine import quote_path

        registry = self._registry()
        if registry is None:
            return False
        path = quote_path(collection)
        try:
            entry = registry.resolve("GET", path).entry
        except ExplorerError:  # a typed path the registry cannot decode (``%C3``)
            return False
        if entry is None:
            return False
        declared = set(getattr(entry.route, "query_params", ()) or ())
        if "count" in declared:
            query = [f"count={PAGE}"] + (["cursor=-1"] if "cursor" in declared else [])
        else:
            query = [f"limit={PAGE}"] if full else ["fields=name", f"limit={PAGE}"]
        if self._client is None:
            self._client = self._client_factory()
        headers = dict(self._headers())
        spec = RequestSpec("GET", path, query=query, headers=headers)
        try:
            response = self._client.send(spec)
            try:
                content = response.content
            finally:
                response.close()
        except ExplorerError:
            return False
        with self._lock:
            if response.status in (401, 403):
                self._refused[collection] = self._fingerprint(headers)
            else:
                self._refused.pop(collection, None)
        if not 200 <= response.status < 300:
            return False
        try:
            body = json.loads(content)
        except ValueError:
            return False
        items = list_items(body)
        if items is None:
            return False
        whole = _whole_list(body, items)
        self.learned.learn_ids(collection, items, fetched=True, complete=whole)
        if full:
            route = entry.route.path
            objects = [o for o in items if isinstance(o, Mapping)]
            self.learned.learn_fields(route, field_paths(objects))
            self.learned.learn_seen(route, objects, whole=whole)
        return True

    @staticmethod
    def _fingerprint(headers: Mapping[str, str]) -> str:
        """A digest of ``headers`` (no secret is kept in the clear)."""
        text = "\n".join(sorted(f"{k.lower()}:{v}" for k, v in headers.items()))
        return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def _whole_list(body, items: list) -> bool:
    """Whether one page holds the whole list: fewer items than asked for, or a
    cursor that says the end (Labstep's ``next_cursor: "-1"``)."""
    if len(items) < PAGE:
        return True
    return isinstance(body, Mapping) and str(body.get("next_cursor", "")) == "-1"

